// Helpers shared by the browser end-to-end tests: child processes, free ports, the admin API.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const children = [];
export const state = { failed: false };

export function check(condition, message) {
  if (!condition) {
    state.failed = true;
    throw new Error(message);
  }
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

// Starts a child whose stderr goes to `logPath`; it is killed when the test ends.
export function start(command, args, env, logPath) {
  const log = fs.openSync(logPath, 'a');
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', log] });
  children.push(child);
  return child;
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
  return { status: response.status, json, text };
}

// The six-digit code of the verification mail to `email` in tapd's mail outbox.
export function verificationCode(outbox, email) {
  for (const name of fs.readdirSync(outbox).sort()) {
    const mail = fs.readFileSync(path.join(outbox, name), 'utf8');
    if (!mail.toLowerCase().includes(email)) continue;
    const m = mail.replace(/=\r?\n/g, '').match(/verification code is (\d{6})/);
    if (m) return m[1];
  }
  return '';
}
