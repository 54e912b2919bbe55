// Helpers of the browser end-to-end tests: child processes (tapd, the fake upstream), free
// ports, JSON calls to tapd, the mail outbox, and a tapd with a verified team owner.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export class Failure extends Error {}

export function check(condition, message) {
  if (!condition) throw new Failure(message);
}

export function artifactsDir() {
  const dir = process.argv.includes('--artifacts')
    ? process.argv[process.argv.indexOf('--artifacts') + 1]
    : fs.mkdtempSync(path.join(os.tmpdir(), 'tap-e2e-artifacts-'));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export const children = [];

export function start(command, args, env, logFile) {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', log] });
  children.push(child);
  return child;
}

export function stopAll() {
  for (const c of children) c.kill('SIGTERM');
}

export function waitForLine(child, pattern, timeoutMs) {
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

export async function api(base, method, pathName, { token, key, body, headers } = {}) {
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
  return { status: response.status, json, text, headers: response.headers };
}

export function verificationCode(outbox, email) {
  for (const name of fs.readdirSync(outbox).sort()) {
    const mail = fs.readFileSync(path.join(outbox, name), 'utf8');
    if (!mail.toLowerCase().includes(email)) continue;
    const m = mail.replace(/=\r?\n/g, '').match(/verification code is (\d{6})/);
    if (m) return m[1];
  }
  return '';
}

// The fake upstream (tests/support/fake_upstream.py); resolves to its base URL.
export async function startUpstream(artifacts) {
  const upstream = start('python3', [path.join(here, '../support/fake_upstream.py'), '--port', '0'], {},
    path.join(artifacts, 'upstream.log'));
  const port = Number((await waitForLine(upstream, /PORT (\d+)/, 30000))[1]);
  return `http://127.0.0.1:${port}`;
}

// tapd on SQLite (TAPD_BINARY) whose public URL, and so WebAuthn origin, is http://localhost:PORT,
// with a verified team owner signed in. Resolves to { base, origin, dataDir, outbox, email,
// password, token }.
export async function startTapdWithOwner(artifacts, team) {
  const tapdBinary = process.env.TAPD_BINARY;
  check(tapdBinary && fs.existsSync(tapdBinary), 'TAPD_BINARY must point at tapd');
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-e2e-data-'));
  const origin = `http://localhost:${port}`;
  const env = {};
  for (const k of Object.keys(process.env)) if (k.startsWith('TAP_')) env[k] = '';
  env.TAP_ALLOW_PRIVATE_TARGETS = '1';
  const tapd = start(tapdBinary, ['--data-dir', path.join(dataDir, 'data'), '--listen', `127.0.0.1:${port}`,
    '--public-url', origin, '--workers', '2'], env, path.join(artifacts, 'tapd.log'));
  await waitForLine(tapd, /listening on http:\/\/127\.0\.0\.1:\d+/, 60000);
  const base = `http://127.0.0.1:${port}`;
  const email = `owner@${team}.example`;
  const password = 'correct horse battery staple';
  let r = await api(base, 'POST', '/signup', { body: { team_name: team, email, password } });
  check(r.status === 201, 'signup: ' + r.text);
  const outbox = path.join(dataDir, 'data', 'outbox');
  const code = verificationCode(outbox, email);
  check(code.length === 6, 'no verification code in the outbox');
  r = await api(base, 'POST', '/verify-email', { body: { email, code } });
  check(r.status === 200, 'verify: ' + r.text);
  r = await api(base, 'POST', '/login', { body: { email, password } });
  check(r.status === 200, 'login: ' + r.text);
  return { base, origin, dataDir, outbox, email, password, token: r.json.session_token };
}

// The agent's poll until the request is no longer pending.
export async function pollUntilFinal(base, key, txn) {
  let poll = {};
  for (let i = 0; i < 600; i++) {
    poll = (await api(base, 'GET', `/agent/approvals/${txn}`, { key })).json;
    if (poll.status !== 'pending') break;
    await new Promise((res) => setTimeout(res, 50));
  }
  return poll;
}
