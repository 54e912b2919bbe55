// End-to-end: a member registers a passkey on tapd's approval page (confirming the password
// first, README "Hardening") and approves a pending /forward request with it, in Debian's Chromium
// (headless, DevTools virtual authenticator), driven by playwright-core; the agent's poll then
// sees "forwarded". Then the member removes the passkey on the page, confirming with it. Each
// change is mailed to the member.
//
//   TAPD_BINARY=build/service/tapd node tests/e2e/passkey_approval.mjs [--artifacts DIR]
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { api, artifactsDir, check, pollUntilFinal, startTapdWithOwner, startUpstream, stopAll } from './harness.mjs';

const artifacts = artifactsDir();
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

function mailsWith(outbox, needle) {
  const out = [];
  for (const name of fs.readdirSync(outbox).sort()) {
    const mail = fs.readFileSync(path.join(outbox, name), 'utf8').replace(/=\r?\n/g, '');
    if (mail.includes(needle)) out.push(mail);
  }
  return out;
}

async function main() {
  check(fs.existsSync(chromiumPath), 'Chromium not found at ' + chromiumPath + ' (apt-get install chromium)');

  // The fake upstream the approved request goes to, and tapd on SQLite with a team owner; the
  // page's origin (and the WebAuthn relying party) is http://localhost:PORT.
  const upstream = await startUpstream(artifacts);
  const { base, origin, outbox, email, password, token } = await startTapdWithOwner(artifacts, 'e2e');
  let r;
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
    'X-TAP-Credential': 'bank', 'X-TAP-Target': `${upstream}/reflect`, 'X-TAP-Method': 'POST',
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
  const poll = await pollUntilFinal(base, key, txn);
  check(poll.status === 'forwarded', 'agent poll: ' + JSON.stringify(poll));
  check(poll.response && poll.response.status === 200, 'upstream answered 200');
  check(poll.response.body.includes('[REDACTED:bank]') && !poll.response.body.includes(secret), 'answer scrubbed');
  const count = (await api(upstream, 'GET', '/__count')).json.count;
  check(count === 1, 'upstream saw exactly one request, saw ' + count);
  r = await api(base, 'GET', `/admin/approvals/${txn}`, { token });
  check(r.json.decided_via === 'passkey' && r.json.decided_by === email, 'decided via passkey: ' + r.text);
  const log = fs.readFileSync(path.join(artifacts, 'tapd.log'), 'utf8');
  check(!log.includes(secret) && !log.includes(token), 'no secret or session token in the log');
  console.log('PASS passkey registration (after the password), approval and removal (after the passkey) in Chromium; artifacts in ' + artifacts);
}

let failed = false;
main()
  .catch((e) => { failed = true; console.error('FAIL ' + e.message); })
  .finally(() => {
    stopAll();
    process.exitCode = failed ? 1 : 0;
  });
