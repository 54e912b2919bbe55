// End-to-end: a member registers a passkey on tapd's approval page (confirming the password
// first, README "Hardening") and approves a pending /forward request with it, in Debian's Chromium
// (headless, DevTools virtual authenticator), driven by playwright-core; the agent's poll then
// sees "forwarded". Then the member removes the passkey on the page, confirming with it. Each
// change is mailed to the member.
//
//   TAPD_BINARY=build/service/tapd node tests/e2e/passkey_approval.mjs [--artifacts DIR]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = process.argv.includes('--artifacts')
  ? process.argv[process.argv.indexOf('--artifacts') + 1]
  : fs.mkdtempSync(path.join(os.tmpdir(), 'tap-e2e-artifacts-'));
fs.mkdirSync(artifacts, { recursive: true });
const tapdBinary = process.env.TAPD_BINARY;
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const children = [];
let failed = false;

function fail(message) {
  failed = true;
  throw new Error(message);
}
function check(condition, message) {
  if (!condition) fail(message);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function start(command, args, env, logName) {
  const log = fs.openSync(path.join(artifacts, logName), 'a');
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', log] });
  children.push(child);
  return child;
}

function waitForLine(child, pattern, timeoutMs) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error('timed out waiting for ' + pattern)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString();
      const m = seen.match(pattern);
      if (m) { clearTimeout(timer); resolve(m); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error('exited with ' + code + ' before ' + pattern)); });
  });
}

async function api(base, method, pathName, { token, key, body, headers } = {}) {
  const h = { ...(headers || {}) };
  if (token) h.Authorization = 'Bearer ' + token;
  if (key) h['X-TAP-Key'] = key;
  if (body !== undefined && !h['Content-Type']) h['Content-Type'] = 'application/json';
  const response = await fetch(base + pathName, {
    method, headers: h, body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const text = await response.text();
  let json = {};
  try { json = JSON.parse(text); } catch (e) { json = {}; }
  return { status: response.status, json, text };
}

function mailsWith(outbox, needle) {
  const out = [];
  for (const name of fs.readdirSync(outbox).sort()) {
    const mail = fs.readFileSync(path.join(outbox, name), 'utf8').replace(/=\r?\n/g, '');
    if (mail.includes(needle)) out.push(mail);
  }
  return out;
}

function verificationCode(outbox, email) {
  for (const name of fs.readdirSync(outbox).sort()) {
    const mail = fs.readFileSync(path.join(outbox, name), 'utf8');
    if (!mail.toLowerCase().includes(email)) continue;
    const body = mail.replace(/=\r?\n/g, '');
    const m = body.match(/verification code is (\d{6})/);
    if (m) return m[1];
  }
  return '';
}

async function main() {
  check(tapdBinary && fs.existsSync(tapdBinary), 'TAPD_BINARY must point at tapd');
  check(fs.existsSync(chromiumPath), 'Chromium not found at ' + chromiumPath + ' (apt-get install chromium)');

  // The fake upstream the approved request goes to.
  const upstream = start('python3', [path.join(here, '../support/fake_upstream.py'), '--port', '0'], {}, 'upstream.log');
  const upstreamPort = Number((await waitForLine(upstream, /PORT (\d+)/, 30000))[1]);

  // tapd on SQLite; the page's origin (and the WebAuthn relying party) is http://localhost:PORT.
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-e2e-data-'));
  const origin = `http://localhost:${port}`;
  const env = { TAP_ALLOW_PRIVATE_TARGETS: '1' };
  for (const k of Object.keys(process.env)) if (k.startsWith('TAP_')) env[k] = '';
  env.TAP_ALLOW_PRIVATE_TARGETS = '1';
  const tapd = start(tapdBinary, ['--data-dir', path.join(dataDir, 'data'), '--listen', `127.0.0.1:${port}`,
    '--public-url', origin, '--workers', '2'], env, 'tapd.log');
  await waitForLine(tapd, /listening on http:\/\/127\.0\.0\.1:\d+/, 60000);
  const base = `http://127.0.0.1:${port}`;

  // A team owner, a passkey-protected credential and an agent (through the admin API).
  const email = 'owner@e2e.example';
  const password = 'correct horse battery staple';
  let r = await api(base, 'POST', '/signup', { body: { team_name: 'e2e', email, password } });
  check(r.status === 201, 'signup: ' + r.text);
  const outbox = path.join(dataDir, 'data', 'outbox');
  const code = verificationCode(outbox, email);
  check(code.length === 6, 'no verification code in the outbox');
  r = await api(base, 'POST', '/verify-email', { body: { email, code } });
  check(r.status === 200, 'verify: ' + r.text);
  r = await api(base, 'POST', '/login', { body: { email, password } });
  check(r.status === 200, 'login: ' + r.text);
  const token = r.json.session_token;
  const secret = 'sk-e2e-passkey-secret-0123456789';
  r = await api(base, 'POST', '/admin/credentials', { token, body: {
    name: 'bank', description: 'needs a passkey', value: secret, allowed_hosts: ['127.0.0.1'] } });
  check(r.status === 201, 'credential: ' + r.text);
  r = await api(base, 'PUT', '/admin/policies/bank', { token, body: { require_passkey: true } });
  check(r.status === 200, 'policy: ' + r.text);
  r = await api(base, 'POST', '/admin/agents', { token, body: { id: 'bot', credentials: ['bank'] } });
  check(r.status === 201, 'agent: ' + r.text);
  const key = r.json.api_key;

  // The agent's request is parked.
  r = await api(base, 'POST', '/forward', { key, headers: {
    'X-TAP-Credential': 'bank', 'X-TAP-Target': `http://127.0.0.1:${upstreamPort}/reflect`, 'X-TAP-Method': 'POST',
    'Content-Type': 'application/json' }, body: '{"amount": 42}' });
  check(r.status === 202, 'forward: ' + r.text);
  const { txn_id: txn, approval_url: approvalUrl } = r.json;
  check(approvalUrl === `${origin}/approve/${txn}`, 'approval_url: ' + approvalUrl);

  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('console', (m) => fs.appendFileSync(path.join(artifacts, 'browser-console.log'), m.text() + '\n'));
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true } });

    await page.goto(approvalUrl);
    await page.fill('#email', email);
    await page.fill('#password', password);
    await page.click('#login-button');
    await page.waitForSelector('#details:not([hidden])');
    check((await page.textContent('#credential')) === 'bank', 'the page shows the credential');
    check((await page.textContent('#method')) === 'POST', 'the page shows the method');
    check(!(await page.content()).includes(secret), 'no secret on the page');
    await page.screenshot({ path: path.join(artifacts, 'approve-page.png'), fullPage: true });

    // The session alone does not add a passkey (a stolen token must not): tapd asks for fresh
    // proof, and the page asks for the password.
    r = await api(base, 'POST', '/admin/passkeys/register/begin', { token, body: {} });
    check(r.status === 403 && r.json.error.code === 'reauth_required', 'register without proof: ' + r.text);
    await page.click('#register-passkey');
    await page.waitForSelector('#reauth:not([hidden])', { timeout: 20000 });
    await page.screenshot({ path: path.join(artifacts, 'confirm-password.png'), fullPage: true });
    await page.fill('#reauth-password', 'wrong password, surely');
    await page.click('#reauth-button');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'The password is wrong.', null, { timeout: 20000 });
    // Register a passkey in the virtual authenticator.
    await page.fill('#reauth-password', password);
    await page.click('#reauth-button');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'Passkey registered.', null, { timeout: 20000 });
    check(await page.isHidden('#reauth'), 'the password form is hidden again');
    const added = mailsWith(outbox, 'A passkey was added');
    check(added.length === 1 && added[0].includes('Passkey: This device') && added[0].includes('From: 127.0.0.1'),
      'one mail about the new passkey: ' + added.join('\n'));
    check(!added[0].includes(password) && !added[0].includes(token), 'no secret in the mail');
    r = await api(base, 'GET', '/admin/passkeys', { token });
    check(r.json.items.length === 1, 'one passkey registered: ' + r.text);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    check(credentials.length === 1, 'the authenticator holds the credential');

    // Approving through the admin API is refused: it needs the passkey.
    r = await api(base, 'POST', `/admin/approvals/${txn}/approve`, { token, body: {} });
    check(r.status === 403 && r.json.error.code === 'passkey_required', 'admin approve refused: ' + r.text);

    // Approve on the page: the WebAuthn assertion runs, then the request is sent.
    await page.click('#approve');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'Approved.', null, { timeout: 20000 });
    await page.screenshot({ path: path.join(artifacts, 'approved.png'), fullPage: true });

    // Removing the passkey on the page: the password proof no longer counts (the member has a
    // passkey now), so the page confirms with the passkey first.
    await page.click('.remove-passkey');
    await page.waitForFunction(() => document.getElementById('status').textContent === 'Passkey removed.', null, { timeout: 20000 });
    r = await api(base, 'GET', '/admin/passkeys', { token });
    check(r.json.items.length === 0, 'the passkey is gone: ' + r.text);
    const removed = mailsWith(outbox, 'A passkey was removed');
    check(removed.length === 1 && removed[0].includes('Passkey: This device'), 'one mail about the removal');
  } finally {
    await browser.close();
  }

  // The agent's poll sees forwarded, with the scrubbed upstream answer.
  let poll = {};
  for (let i = 0; i < 200; i++) {
    poll = (await api(base, 'GET', `/agent/approvals/${txn}`, { key })).json;
    if (poll.status !== 'pending') break;
    await new Promise((res) => setTimeout(res, 50));
  }
  check(poll.status === 'forwarded', 'agent poll: ' + JSON.stringify(poll));
  check(poll.response && poll.response.status === 200, 'upstream answered 200');
  check(poll.response.body.includes('[REDACTED:bank]') && !poll.response.body.includes(secret), 'answer scrubbed');
  const count = (await api(`http://127.0.0.1:${upstreamPort}`, 'GET', '/__count')).json.count;
  check(count === 1, 'upstream saw exactly one request, saw ' + count);
  r = await api(base, 'GET', `/admin/approvals/${txn}`, { token });
  check(r.json.decided_via === 'passkey' && r.json.decided_by === email, 'decided via passkey: ' + r.text);
  const log = fs.readFileSync(path.join(artifacts, 'tapd.log'), 'utf8');
  check(!log.includes(secret) && !log.includes(token), 'no secret or session token in the log');
  console.log('PASS passkey registration (after the password), approval and removal (after the passkey) in Chromium; artifacts in ' + artifacts);
}

main()
  .catch((e) => { failed = true; console.error('FAIL ' + e.message); })
  .finally(() => {
    for (const c of children) c.kill('SIGTERM');
    process.exitCode = failed ? 1 : 0;
  });
