// The approvers' inbox (/dashboard): sign in (session kept in this tab only), the pending
// requests updating live, approve (with the passkey step-up where the policy asks for it) or
// deny with a reason the agent is told. Live updates use the admin API's long poll as
// tap-console does: GET /admin/approvals?status=pending answers at once with a cursor, then
// ?cursor=C&wait=S is held by tapd until something changes. Needs tap.js and passkeys.js.
'use strict';

const kWaitS = 25; // how long tapd may hold a poll
const kRetryMs = 5000; // after a failed poll
const cards = new Map(); // txn id -> its <li>
let poller = null; // the AbortController of the running poll loop

function status(text) { $('status').textContent = text; }
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const panel = passkeyPanel(status);

// While offline the list is marked as possibly stale, never shown as "nothing waiting".
function connection(state) {
  const el = $('connection');
  el.className = 'connection ' + state;
  el.textContent = { connecting: 'Connecting…', online: 'Live', offline: 'Disconnected — retrying' }[state];
  $('offline-note').hidden = state !== 'offline';
  updateCount();
}

function showSignedIn(signedIn) {
  $('login').hidden = signedIn;
  $('inbox').hidden = !signedIn;
  $('sign-out').hidden = !signedIn;
  $('connection').hidden = !signedIn;
  if (!signedIn) $('passkeys').hidden = true;
}

// Minutes (or seconds, near the end) until an ISO time.
function remaining(iso) {
  const s = Math.round((Date.parse(iso) - Date.now()) / 1000);
  if (!Number.isFinite(s)) return '';
  if (s <= 0) return 'now';
  return s < 120 ? 'in ' + s + ' s' : 'in ' + Math.round(s / 60) + ' min';
}

// The count (and the tab title) is of the requests this member may decide; the others are
// shown, greyed, for context.
function updateCount() {
  const n = [...cards.values()].filter((li) => li.approval.can_decide).length;
  $('empty').hidden = cards.size > 0 || !$('connection').classList.contains('online');
  $('count').textContent = n ? '(' + n + ')' : '';
  document.title = (n ? '(' + n + ') ' : '') + 'TAP — approvals';
}

function fill(li, a) {
  const q = (cls) => li.querySelector('.' + cls);
  li.approval = a;
  li.dataset.id = a.id;
  q('method').textContent = a.method;
  q('credential').textContent = a.credential;
  q('badge').hidden = !a.require_passkey;
  q('target').textContent = a.target;
  q('notice').textContent = a.notice || '';
  q('notice').hidden = !a.notice;
  q('agent').textContent = a.agent_name + (a.agent_home_team_id !== a.team_id ? ' (linked from ' + a.agent_home_team_id + ')' : '');
  q('expires').textContent = remaining(a.expires_at);
  q('body').textContent = a.body_preview || '(empty)';
  const note = !a.can_decide ? 'You are not among the approvers of this request.'
    : a.require_passkey ? 'Approving asks for one of your passkeys.' : '';
  q('note').textContent = note;
  q('note').hidden = !note;
  li.classList.toggle('undecidable', !a.can_decide);
  if (!li.busy) li.querySelectorAll('button').forEach((b) => { b.disabled = !a.can_decide; });
}

function newCard(a) {
  const li = $('card').content.firstElementChild.cloneNode(true);
  const q = (cls) => li.querySelector('.' + cls);
  q('approve').addEventListener('click', () => decide(li, true));
  q('deny').addEventListener('click', () => {
    q('deny-form').hidden = false;
    q('reason').focus();
  });
  q('cancel-deny').addEventListener('click', () => { q('deny-form').hidden = true; });
  q('deny-form').addEventListener('submit', (event) => { event.preventDefault(); decide(li, false); });
  fill(li, a);
  return li;
}

// Shows the pending requests in the server's order; cards already shown stay in place (a
// reason being typed keeps its focus).
function render(items) {
  const list = $('requests');
  const seen = new Set();
  let previous = null;
  for (const a of items) {
    if (a.status !== 'pending') continue;
    seen.add(a.id);
    let li = cards.get(a.id);
    if (li) fill(li, a);
    else cards.set(a.id, (li = newCard(a)));
    const expected = previous ? previous.nextSibling : list.firstChild;
    if (li !== expected) list.insertBefore(li, expected);
    previous = li;
  }
  for (const [id, li] of cards) {
    if (!seen.has(id)) { li.remove(); cards.delete(id); }
  }
  updateCount();
}

async function decide(li, approve) {
  const a = li.approval;
  const path = '/admin/approvals/' + encodeURIComponent(a.id);
  li.busy = true;
  li.querySelectorAll('button').forEach((b) => { b.disabled = true; });
  status(approve ? (a.require_passkey ? 'Confirm with your passkey…' : 'Approving…') : 'Denying…');
  try {
    if (approve && a.require_passkey) await approveWithPasskey(a.id);
    else if (approve) await tapCall('POST', path + '/approve', {});
    else await tapCall('POST', path + '/deny', { reason: li.querySelector('.reason').value.trim() });
    li.remove();
    cards.delete(a.id);
    updateCount();
    status((approve ? 'Approved: ' : 'Denied: ') + a.method + ' ' + a.target);
  } catch (e) {
    if (e.status === 401) return signedOut('Your session has ended. Please sign in again.');
    status(e.message);
  } finally {
    li.busy = false;
    if (li.isConnected) fill(li, a);
  }
}

async function pollLoop(signal) {
  let cursor = '';
  connection('connecting');
  while (!signal.aborted) {
    try {
      const query = cursor ? '&cursor=' + encodeURIComponent(cursor) + '&wait=' + kWaitS : '';
      const list = await tapCall('GET', '/admin/approvals?status=pending' + query, undefined, signal);
      connection('online');
      render(list.items);
      cursor = list.cursor || '';
      if (!cursor) await sleep(kRetryMs); // an answer without a cursor cannot be waited on
    } catch (e) {
      if (signal.aborted) return;
      if (e.status === 401) return signedOut('Your session has ended. Please sign in again.');
      connection('offline');
      cursor = ''; // the next answer comes at once
      await sleep(kRetryMs);
    }
  }
}

function start() {
  if (!tapSession.token()) return showSignedIn(false);
  showSignedIn(true);
  if (poller) poller.abort();
  poller = new AbortController();
  pollLoop(poller.signal);
  panel.load().catch((e) => { if (e.status !== 401) status(e.message); });
}

function signedOut(message) {
  if (poller) poller.abort();
  poller = null;
  tapSession.clear();
  for (const li of cards.values()) li.remove();
  cards.clear();
  showSignedIn(false);
  status(message);
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-button').disabled = true;
  try {
    await signIn($('email').value, $('password').value);
    $('password').value = '';
    status('');
    start();
  } catch (e) {
    status(e.message);
  } finally {
    $('login-button').disabled = false;
  }
});
$('sign-out').addEventListener('click', async () => {
  try { await tapCall('POST', '/logout'); } catch (e) { /* signed out here either way */ }
  signedOut('Signed out.');
});
setInterval(() => {
  for (const li of cards.values()) li.querySelector('.expires').textContent = remaining(li.approval.expires_at);
}, 10000);
start();
