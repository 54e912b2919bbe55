// Shared by tapd's browser pages (the approval page and the /dashboard inbox): the session,
// JSON calls in tapd's error shape, and WebAuthn in the shapes tapd's passkey calls take.
// The session token is held in this tab only (sessionStorage, never a cookie) and sent as a
// bearer token; closing the tab forgets it.
'use strict';

const $ = (id) => document.getElementById(id);

const tapSession = {
  token: () => sessionStorage.getItem('tap-session') || '',
  set: (token) => sessionStorage.setItem('tap-session', token),
  clear: () => sessionStorage.removeItem('tap-session'),
};

// A JSON call with the session (if any); a failure throws an Error with the HTTP status (0:
// no answer) and tapd's error code. `signal` (an AbortSignal) may cancel it.
async function tapCall(method, path, body, signal) {
  const headers = { 'Content-Type': 'application/json' };
  const token = tapSession.token();
  if (token) headers.Authorization = 'Bearer ' + token;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined,
      credentials: 'omit', cache: 'no-store', signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    const error = new Error('The server cannot be reached.');
    error.status = 0;
    throw error;
  }
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

// Passkey step-up for one request (policy require_passkey): an assertion bound to the
// transaction approves it (recorded as decided via "passkey").
async function approveWithPasskey(txn) {
  const base = '/approve/' + encodeURIComponent(txn);
  const options = await tapCall('POST', base + '/passkey/begin', {});
  return tapCall('POST', base + '/passkey/finish', await assertWith(options));
}

// Signs in with /login and keeps the session in this tab.
async function signIn(email, password) {
  const session = await tapCall('POST', '/login', { email, password });
  tapSession.set(session.session_token);
  return session;
}
