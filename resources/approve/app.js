// The approval page: sign in (session kept in this tab only), show the request, decide.
// Passkey step-up (policy require_passkey) runs a WebAuthn assertion before approving.
// Needs tap.js and passkeys.js (resources/shared, also used by /dashboard).
'use strict';

const txn = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
const base = '/approve/' + encodeURIComponent(txn);
let current = null;

function status(text) { $('status').textContent = text; }

const panel = passkeyPanel(status);

function show(a) {
  current = a;
  $('login').hidden = true;
  $('details').hidden = false;
  $('agent').textContent = a.agent_name + (a.agent_home_team_id !== a.team_id ? ' (linked from ' + a.agent_home_team_id + ')' : '');
  $('team').textContent = a.team_id;
  $('credential').textContent = a.credential;
  $('method').textContent = a.method;
  $('target').textContent = a.target;
  $('body').textContent = a.body_preview || '(empty)';
  $('expires').textContent = a.expires_at || '';
  $('state').textContent = a.status + (a.decided_by ? ' by ' + a.decided_by : '');
  $('passkey-note').hidden = !a.require_passkey;
  const open = a.status === 'pending';
  $('approve').disabled = !open || !a.can_decide;
  $('deny').disabled = !open || !a.can_decide;
  if (open && !a.can_decide) status('You are not among the approvers of this request.');
  else if (!open) status('This request is ' + a.status + '.');
  else status('');
}

async function load() {
  if (!tapSession.token()) { $('login').hidden = false; $('details').hidden = true; return; }
  try {
    await panel.load();
    show(await tapCall('GET', base + '/details'));
  } catch (e) {
    if (e.status === 401) { tapSession.clear(); $('login').hidden = false; status('Please sign in.'); return; }
    status(e.message);
  }
}

async function decide(approve) {
  $('approve').disabled = true;
  $('deny').disabled = true;
  status(approve ? 'Approving…' : 'Denying…');
  try {
    const result = approve && current && current.require_passkey
      ? await approveWithPasskey(txn)
      : await tapCall('POST', base + (approve ? '/approve' : '/deny'), {});
    show(result);
    status(approve ? 'Approved.' : 'Denied.');
  } catch (e) {
    status(e.message);
    await load();
  }
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await signIn($('email').value, $('password').value);
    status('');
    await load();
  } catch (e) {
    status(e.message);
  }
});
$('approve').addEventListener('click', () => decide(true));
$('deny').addEventListener('click', () => decide(false));
load();
