// The approval page: sign in (session kept in this tab only), show the request, decide.
// Passkey step-up (policy require_passkey) runs a WebAuthn assertion before approving.
'use strict';

const txn = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
const base = '/approve/' + encodeURIComponent(txn);
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('tap-session') || '';
let current = null;

function status(text) { $('status').textContent = text; }

async function call(method, path, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = 'Bearer ' + token;
  const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  let json = {};
  try { json = await response.json(); } catch (e) { json = {}; }
  if (!response.ok) {
    const error = new Error((json.error && json.error.message) || ('HTTP ' + response.status));
    error.status = response.status;
    error.code = json.error && json.error.code;
    throw error;
  }
  return json;
}

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

let passkeys = null; // the last GET /admin/passkeys

async function loadPasskeys() {
  passkeys = await call('GET', '/admin/passkeys');
  $('passkeys').hidden = false;
  const ul = $('passkey-list');
  ul.textContent = '';
  for (const p of passkeys.items) {
    const li = document.createElement('li');
    li.textContent = p.name + ' (added ' + p.created_at + ') ';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove-passkey';
    remove.textContent = 'Remove';
    remove.addEventListener('click', () => removePasskey(p));
    li.appendChild(remove);
    ul.appendChild(li);
  }
  if (!passkeys.items.length) {
    const li = document.createElement('li');
    li.textContent = 'None yet.';
    ul.appendChild(li);
  }
}

// Adding or removing a passkey needs a fresh confirmation on this session: an assertion of one
// of the member's passkeys, or (without any) the password, asked for in the #reauth form.
async function confirmWithPasskey() {
  status('Confirm with one of your passkeys…');
  const options = await call('POST', '/admin/reauth/passkey/begin', {});
  await call('POST', '/admin/reauth/passkey/finish', await assertWith(options));
}

async function withFreshProof(action) {
  try {
    return await action();
  } catch (e) {
    if (e.code !== 'reauth_required') throw e;
    if (!passkeys || passkeys.reauth.with !== 'passkey') {
      $('reauth').hidden = false;
      $('reauth-password').focus();
      const error = new Error('Enter your password to confirm that it is you.');
      error.code = 'password_needed';
      throw error;
    }
    await confirmWithPasskey();
    return action();
  }
}

async function createPasskey() {
  const o = await call('POST', '/admin/passkeys/register/begin', {});
  const credential = await navigator.credentials.create({ publicKey: {
    challenge: b64urlToBytes(o.challenge),
    rp: o.rp,
    user: { id: b64urlToBytes(o.user.id), name: o.user.name, displayName: o.user.display_name },
    pubKeyCredParams: o.pub_key_cred_params.map((alg) => ({ type: 'public-key', alg })),
    timeout: o.timeout_ms,
    attestation: 'none',
    authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
    excludeCredentials: o.exclude_credentials.map((id) => ({ type: 'public-key', id: b64urlToBytes(id) })),
  } });
  await call('POST', '/admin/passkeys/register/finish', {
    challenge_id: o.challenge_id,
    name: $('passkey-name').value,
    client_data_json: bytesToB64url(credential.response.clientDataJSON),
    attestation_object: bytesToB64url(credential.response.attestationObject),
  });
}

async function registerPasskey() {
  $('register-passkey').disabled = true;
  status('Registering a passkey…');
  try {
    await withFreshProof(createPasskey);
    status('Passkey registered.');
    await loadPasskeys();
  } catch (e) {
    status(e.message);
  } finally {
    $('register-passkey').disabled = false;
  }
}

async function removePasskey(p) {
  status('Removing the passkey ' + p.name + '…');
  try {
    await withFreshProof(() => call('DELETE', '/admin/passkeys/' + encodeURIComponent(p.id)));
    status('Passkey removed.');
    await loadPasskeys();
  } catch (e) {
    status(e.message);
  }
}

async function load() {
  if (!token) { $('login').hidden = false; $('details').hidden = true; return; }
  try {
    await loadPasskeys();
    show(await call('GET', base + '/details'));
  } catch (e) {
    if (e.status === 401) { token = ''; sessionStorage.removeItem('tap-session'); $('login').hidden = false; status('Please sign in.'); return; }
    status(e.message);
  }
}

function b64urlToBytes(s) {
  s = s.replace(/-/g, '+').replace(/_/g, '/');
  while (s.length % 4) s += '=';
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}
function bytesToB64url(buffer) {
  let s = '';
  new Uint8Array(buffer).forEach((b) => { s += String.fromCharCode(b); });
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// The answer of navigator.credentials.get() to assertion options from tapd, as tapd takes it.
async function assertWith(options) {
  const credential = await navigator.credentials.get({ publicKey: {
    challenge: b64urlToBytes(options.challenge),
    rpId: options.rp_id,
    timeout: options.timeout_ms,
    userVerification: 'required',
    allowCredentials: options.allow_credentials.map((id) => ({ type: 'public-key', id: b64urlToBytes(id) })),
  } });
  return {
    challenge_id: options.challenge_id,
    credential_id: bytesToB64url(credential.rawId),
    client_data_json: bytesToB64url(credential.response.clientDataJSON),
    authenticator_data: bytesToB64url(credential.response.authenticatorData),
    signature: bytesToB64url(credential.response.signature),
  };
}

async function approveWithPasskey() {
  const options = await call('POST', base + '/passkey/begin', {});
  return call('POST', base + '/passkey/finish', await assertWith(options));
}

async function decide(approve) {
  $('approve').disabled = true;
  $('deny').disabled = true;
  status(approve ? 'Approving…' : 'Denying…');
  try {
    const result = approve && current && current.require_passkey
      ? await approveWithPasskey()
      : await call('POST', base + (approve ? '/approve' : '/deny'), {});
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
    const session = await call('POST', '/login', { email: $('email').value, password: $('password').value });
    token = session.session_token;
    sessionStorage.setItem('tap-session', token);
    status('');
    await load();
  } catch (e) {
    status(e.message);
  }
});
$('register-passkey').addEventListener('click', registerPasskey);
$('reauth').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('reauth-button').disabled = true;
  try {
    await call('POST', '/admin/reauth', { password: $('reauth-password').value });
    $('reauth-password').value = '';
    $('reauth').hidden = true;
    await registerPasskey();
  } catch (e) {
    status(e.message);
  } finally {
    $('reauth-button').disabled = false;
  }
});
$('approve').addEventListener('click', () => decide(true));
$('deny').addEventListener('click', () => decide(false));
load();
