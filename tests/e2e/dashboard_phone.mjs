// End-to-end: the approvers' inbox at /dashboard on a phone-sized screen (390×844, device scale
// factor 3, touch) in Debian's Chromium (headless), driven by playwright-core. A team owner signs
// in; requests an agent parks with /forward after the page is open appear without a reload; one
// is approved (the agent's poll sees "forwarded"), one denied with a reason (sent to tapd), and
// one to a passkey-protected credential is approved through the WebAuthn step-up with a passkey
// registered on the dashboard (DevTools virtual authenticator); offline, the page says so and
// then recovers by itself. It never sets a cookie, never violates its CSP and never scrolls
// sideways. Screenshots go to the artifacts directory (dashboard-phone.png: the inbox with two
// pending requests; ctest passes build-tests/test-artifacts/e2e-dashboard).
//
//   TAPD_BINARY=build/service/tapd node tests/e2e/dashboard_phone.mjs [--artifacts DIR]
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { api, artifactsDir, check, pollUntilFinal, startTapdWithOwner, startUpstream, stopAll } from './harness.mjs';

const artifacts = artifactsDir();
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
const timeout = 30000;

async function setUpTeam(t) {
  const { base, token } = t;
  for (const [name, value] of [['api', 'sk-e2e-dashboard-secret-0123456789'], ['bank', 'sk-e2e-dashboard-bank-9876543210'],
    ['ops', 'sk-e2e-dashboard-ops-5555555555']]) {
    const r = await api(base, 'POST', '/admin/credentials', { token, body: {
      name, description: name + ' for the dashboard test', value, allowed_hosts: ['127.0.0.1'] } });
    check(r.status === 201, 'credential ' + name + ': ' + r.text);
  }
  let r = await api(base, 'PUT', '/admin/policies/bank', { token, body: { require_passkey: true } });
  check(r.status === 200, 'policy: ' + r.text);
  // Requests to "ops" are decided by someone else: shown, not counted, not decidable here.
  r = await api(base, 'PUT', '/admin/policies/ops', { token, body: { allowed_approvers: ['someone-else@example.test'] } });
  check(r.status === 200, 'policy ops: ' + r.text);
  r = await api(base, 'POST', '/admin/agents', { token, body: { id: 'phone-bot', credentials: ['api', 'bank', 'ops'] } });
  check(r.status === 201, 'agent: ' + r.text);
  return r.json.api_key;
}

// A request to the upstream that waits for approval; `tail` is appended to the target's query.
async function park(t, key, upstream, credential, note, tail = '') {
  const r = await api(t.base, 'POST', '/forward', { key, headers: {
    'X-TAP-Credential': credential, 'X-TAP-Target': `${upstream}/reflect?note=${note}${tail}`, 'X-TAP-Method': 'POST',
    'Content-Type': 'application/json' }, body: JSON.stringify({ note }) });
  check(r.status === 202, 'forward ' + note + ': ' + r.text);
  return r.json.txn_id;
}

const card = (txn) => `li.card[data-id="${txn}"]`;

async function waitForStatus(page, prefix) {
  await page.waitForFunction((p) => document.getElementById('status').textContent.startsWith(p), prefix, { timeout });
}

async function noSidewaysScroll(page, when) {
  const m = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth }));
  check(m.inner === 390 && m.scroll <= m.inner, `horizontal scrolling ${when}: scrollWidth ${m.scroll} > innerWidth ${m.inner}`);
}

async function inbox(page, t, key, upstream) {
  await page.goto(t.origin + '/dashboard');
  await page.waitForSelector('#login:not([hidden])');
  await noSidewaysScroll(page, 'on the sign-in form');
  await page.fill('#email', t.email);
  await page.fill('#password', t.password);
  await page.tap('#login-button');
  await page.waitForSelector('#empty:not([hidden])', { timeout });
  await page.waitForFunction(() => document.getElementById('connection').textContent === 'Live', null, { timeout });
  await page.evaluate(() => { window.tapSameDocument = true; });

  // Requests parked after the page is open show up by themselves.
  const first = await park(t, key, upstream, 'api', 'first');
  await page.waitForSelector(card(first), { timeout });
  // A long target without a break opportunity must wrap, not widen the page.
  const second = await park(t, key, upstream, 'api', 'second', '&trace=' + '0123456789'.repeat(9));
  await page.waitForSelector(card(second), { timeout });
  const other = await park(t, key, upstream, 'ops', 'not-mine');
  await page.waitForSelector(card(other), { timeout });
  check(await page.evaluate(() => window.tapSameDocument === true), 'the page was not reloaded');
  check((await page.textContent('#count')) === '(2)', 'two pending requests counted (not the one for someone else)');
  check(await page.isDisabled(`${card(other)} .approve`) && await page.isDisabled(`${card(other)} .deny`),
    'someone else\'s request cannot be decided here');
  check((await page.textContent(`${card(other)} .note`)).includes('not among the approvers'), 'and the card says why');
  check((await page.textContent(`${card(first)} .target`)).endsWith('/reflect?note=first'), 'the card shows the target');
  check((await page.textContent(`${card(first)} .method`)) === 'POST', 'the card shows the method');
  await noSidewaysScroll(page, 'with two requests');
  await page.screenshot({ path: path.join(artifacts, 'dashboard-phone.png'), fullPage: true });
  await page.screenshot({ path: path.join(artifacts, 'dashboard-phone-viewport.png') });

  // Approve the first.
  await page.tap(`${card(first)} .approve`);
  await waitForStatus(page, 'Approved');
  await page.waitForSelector(card(first), { state: 'detached', timeout });
  let poll = await pollUntilFinal(t.base, key, first);
  check(poll.status === 'forwarded' && poll.response.status === 200, 'approved request forwarded: ' + JSON.stringify(poll));

  // Deny the second with a reason; the reason goes to tapd in the deny call and to the agent.
  const sent = [];
  page.on('request', (req) => { if (req.url().endsWith(`/admin/approvals/${second}/deny`)) sent.push(req.postData()); });
  await page.tap(`${card(second)} .deny`);
  await page.waitForSelector(`${card(second)} .deny-form:not([hidden])`);
  await page.fill(`${card(second)} .reason`, 'Not during the freeze');
  await noSidewaysScroll(page, 'with the deny form open');
  await page.screenshot({ path: path.join(artifacts, 'dashboard-phone-deny.png'), fullPage: true });
  await page.tap(`${card(second)} .confirm-deny`);
  await waitForStatus(page, 'Denied');
  check(sent.length === 1 && JSON.parse(sent[0]).reason === 'Not during the freeze', 'deny sent the reason: ' + sent.join());
  poll = await pollUntilFinal(t.base, key, second);
  check(poll.status === 'denied', 'denied request: ' + JSON.stringify(poll));
  check(poll.reason === 'Not during the freeze', 'the agent reads the reason: ' + JSON.stringify(poll));
  await page.waitForSelector(card(second), { state: 'detached', timeout });
  check((await page.textContent('#count')) === '', 'nothing left to decide');
  return other;
}

async function passkeyStepUp(page, cdp, t, key, upstream) {
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: {
    protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
    isUserVerified: true, automaticPresenceSimulation: true } });
  // Register a passkey on this device from the dashboard (the password confirms it first).
  await page.tap('#register-passkey');
  await page.waitForSelector('#reauth:not([hidden])', { timeout });
  await page.fill('#reauth-password', t.password);
  await page.tap('#reauth-button');
  await waitForStatus(page, 'Passkey registered.');
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  check(credentials.length === 1, 'the authenticator holds the passkey');

  const txn = await park(t, key, upstream, 'bank', 'guarded');
  await page.waitForSelector(`${card(txn)} .badge:not([hidden])`, { timeout });
  let r = await api(t.base, 'POST', `/admin/approvals/${txn}/approve`, { token: t.token, body: {} });
  check(r.status === 403 && r.json.error.code === 'passkey_required', 'approve without a passkey refused: ' + r.text);
  await noSidewaysScroll(page, 'with a passkey request');
  await page.tap(`${card(txn)} .approve`);
  await waitForStatus(page, 'Approved');
  const poll = await pollUntilFinal(t.base, key, txn);
  check(poll.status === 'forwarded', 'passkey-approved request forwarded: ' + JSON.stringify(poll));
  r = await api(t.base, 'GET', `/admin/approvals/${txn}`, { token: t.token });
  check(r.json.decided_via === 'passkey' && r.json.decided_by === t.email, 'decided via passkey: ' + r.text);
  await page.screenshot({ path: path.join(artifacts, 'dashboard-phone-passkey.png'), fullPage: true });
}

async function main() {
  check(fs.existsSync(chromiumPath), 'Chromium not found at ' + chromiumPath + ' (apt-get install chromium)');
  const upstream = await startUpstream(artifacts);
  const t = await startTapdWithOwner(artifacts, 'dash');
  const key = await setUpTeam(t);
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => {
      fs.appendFileSync(path.join(artifacts, 'dashboard-console.log'), m.type() + ': ' + m.text() + '\n');
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');

    const other = await inbox(page, t, key, upstream);
    await passkeyStepUp(page, cdp, t, key, upstream);

    // Offline: the page says so (and shows no stale "Live"), then recovers by itself.
    await context.setOffline(true);
    await page.waitForFunction(() => document.getElementById('connection').textContent === 'Disconnected — retrying',
      null, { timeout: 90000 });
    check(await page.isVisible('#offline-note'), 'offline: the list may be out of date');
    await page.screenshot({ path: path.join(artifacts, 'dashboard-phone-offline.png') });
    await context.setOffline(false);
    await page.waitForFunction(() => document.getElementById('connection').textContent === 'Live', null, { timeout });
    check(await page.isHidden('#offline-note') && await page.isVisible(card(other)), 'back online: the list again');

    check(problems.length === 0, 'browser problems: ' + problems.join('\n'));
    check((await context.cookies()).length === 0, 'no cookie was set');
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: Object.keys(sessionStorage) }));
    check(stored.local === 0 && stored.session.join() === 'tap-session', 'the session is kept in this tab only');

    // Signing out forgets the session.
    await page.tap('#sign-out');
    await page.waitForSelector('#login:not([hidden])', { timeout });
    check(await page.evaluate(() => sessionStorage.length === 0), 'signed out: nothing kept');
  } finally {
    await browser.close();
  }
  const log = fs.readFileSync(path.join(artifacts, 'tapd.log'), 'utf8');
  check(!log.includes(t.token) && !log.includes('sk-e2e-dashboard'), 'no secret or session token in the log');
  console.log('PASS dashboard on a phone: live inbox, approve, deny with a reason, passkey step-up; screenshot '
    + path.join(artifacts, 'dashboard-phone.png'));
}

let failed = false;
main()
  .catch((e) => { failed = true; console.error('FAIL ' + (e.stack || e.message)); })
  .finally(() => {
    stopAll();
    process.exitCode = failed ? 1 : 0;
  });
