// End-to-end: per-agent OAuth 2.0 connect (README "Connecting an OAuth 2.0 credential") in
// Debian's Chromium (headless), driven by playwright-core. An owner asks tapd to connect an
// oauth2 credential for one agent; Chromium opens the authorization URL at the fake
// authorization server (tests/support/fake_oauth2_server.py), clicks "Allow" on its consent
// page, is sent back to tapd's /oauth/callback and lands on the success page. The agent's row
// then has its refresh token; the same redirect replayed is refused; and, where tapd already
// refreshes oauth2 credentials (issue #16 item 2), the agent's /forward carries a Bearer
// token the fake's resource endpoint accepts.
//
//   TAPD_BINARY=build/service/tapd node tests/e2e/oauth_connect.mjs [--artifacts DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { api, check, freePort, start, stopAll, verificationCode, waitForLine } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = process.argv.includes('--artifacts')
  ? process.argv[process.argv.indexOf('--artifacts') + 1]
  : fs.mkdtempSync(path.join(os.tmpdir(), 'tap-e2e-oauth-'));
fs.mkdirSync(artifacts, { recursive: true });
const tapdBinary = process.env.TAPD_BINARY;
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

async function signUpOwner(base, outbox) {
  const email = 'owner@oauth-e2e.example';
  const password = 'correct horse battery staple';
  let r = await api(base, 'POST', '/signup', { body: { team_name: 'oauth-e2e', email, password } });
  check(r.status === 201, 'signup: ' + r.text);
  r = await api(base, 'POST', '/verify-email', { body: { email, code: verificationCode(outbox, email) } });
  check(r.status === 200, 'verify: ' + r.text);
  r = await api(base, 'POST', '/login', { body: { email, password } });
  check(r.status === 200, 'login: ' + r.text);
  return r.json.session_token;
}

async function main() {
  check(tapdBinary && fs.existsSync(tapdBinary), 'TAPD_BINARY must point at tapd');
  check(fs.existsSync(chromiumPath), 'Chromium not found at ' + chromiumPath + ' (apt-get install chromium)');

  const fake = start('python3', [path.join(here, '../support/fake_oauth2_server.py'), '--port', '0'], {},
    path.join(artifacts, 'fake_oauth2.log'));
  const fakePort = Number((await waitForLine(fake, /PORT (\d+)/, 30000))[1]);
  const fakeBase = `http://127.0.0.1:${fakePort}`;

  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tap-e2e-oauth-data-'));
  const origin = `http://localhost:${port}`;
  const env = {};
  for (const k of Object.keys(process.env)) if (k.startsWith('TAP_')) env[k] = '';
  env.TAP_ALLOW_PRIVATE_TARGETS = '1';
  const tapd = start(tapdBinary, ['--data-dir', path.join(dataDir, 'data'), '--listen', `127.0.0.1:${port}`,
    '--public-url', origin, '--workers', '2'], env, path.join(artifacts, 'tapd.log'));
  await waitForLine(tapd, /listening on http:\/\/127\.0\.0\.1:\d+/, 60000);
  const base = `http://127.0.0.1:${port}`;
  const token = await signUpOwner(base, path.join(dataDir, 'data', 'outbox'));

  // The client at the provider, its redirect URI registered exactly (tapd's public URL).
  const clientId = 'tap-e2e-client';
  const clientSecret = 'cs-e2e-LEAK-0123456789';
  let r = await api(fakeBase, 'POST', '/_control', { body: { add_client: {
    client_id: clientId, client_secret: clientSecret, redirect_uris: [`${origin}/oauth/callback`] } } });
  check(r.status === 200, 'add client: ' + r.text);

  // The team's oauth2 row (client only) and an agent; the agent's row comes with its connect.
  r = await api(base, 'POST', '/admin/credentials', { token, body: {
    name: 'gmail', description: 'Gmail of each agent', kind: 'oauth2',
    token_url: `${fakeBase}/token`, authorize_url: `${fakeBase}/authorize`, scopes: 'mail.read mail.send',
    allowed_hosts: ['127.0.0.1'], value: { client_id: clientId, client_secret: clientSecret } } });
  check(r.status === 201, 'credential: ' + r.text);
  r = await api(base, 'PUT', '/admin/policies/gmail', { token, body: { auto_approve_methods: ['GET'] } });
  check(r.status === 200, 'policy: ' + r.text);
  r = await api(base, 'POST', '/admin/agents', { token, body: { id: 'assistant', credentials: ['gmail'] } });
  check(r.status === 201, 'agent: ' + r.text);
  const key = r.json.api_key;

  r = await api(base, 'POST', '/admin/credentials/gmail/connect?scope_kind=agent&scope_id=assistant', { token });
  check(r.status === 200, 'connect: ' + r.text);
  const authorizationUrl = r.json.authorization_url;
  check(authorizationUrl.startsWith(`${fakeBase}/authorize?`), 'authorization_url: ' + authorizationUrl);
  check(!r.text.includes(clientSecret), 'no client secret in the connect answer');

  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  let callbackUrl = '';
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('console', (m) => fs.appendFileSync(path.join(artifacts, 'browser-console.log'), m.text() + '\n'));
    page.on('request', (req) => { if (req.url().includes('/oauth/callback')) callbackUrl = req.url(); });
    await page.goto(authorizationUrl);
    await page.waitForSelector('#allow');
    await page.screenshot({ path: path.join(artifacts, 'oauth-consent.png'), fullPage: true });
    await Promise.all([page.waitForURL(/\/oauth\/callback\?/, { timeout: 30000 }), page.click('#allow')]);
    await page.waitForSelector('#result[data-outcome="connected"]', { timeout: 30000 });
    const title = await page.textContent('#title');
    const message = await page.textContent('#message');
    check(title === 'Connected', 'the page says Connected: ' + title);
    check(message.includes('"gmail"') && message.includes('agent assistant'), 'the page names credential and scope: ' + message);
    const html = await page.content();
    check(!html.includes(clientSecret), 'no client secret on the page');
    check((await context.cookies()).length === 0, 'no cookie set');
    await page.screenshot({ path: path.join(artifacts, 'oauth-connected.png'), fullPage: true });

    // The same redirect again: the state is spent.
    await page.goto(callbackUrl);
    await page.waitForSelector('#result[data-outcome="failed"]');
    check((await page.textContent('#message')).includes('already used'), 'a replay is refused');
  } finally {
    await browser.close();
  }

  r = await api(base, 'GET', '/admin/credentials/gmail?scope_kind=agent&scope_id=assistant', { token });
  check(r.status === 200 && r.json.parts_set.includes('refresh_token'), 'the agent row has its refresh token: ' + r.text);
  r = await api(base, 'GET', '/admin/credentials/gmail', { token });
  check(!(r.json.parts_set || []).includes('refresh_token'), 'the team row is unchanged: ' + r.text);
  const stats = (await api(fakeBase, 'GET', '/_stats')).json;
  check(stats.code_exchanges[clientId] === 1, 'one code exchange: ' + JSON.stringify(stats));

  // The agent's request with the connected row: tapd refreshes with the stored refresh token and
  // the fake's resource accepts the Bearer token (its echo of the client id comes back scrubbed:
  // client_id is one of the credential's parts).
  r = await api(base, 'POST', '/forward', { key, headers: {
    'X-TAP-Credential': 'gmail', 'X-TAP-Target': `${fakeBase}/gmail/v1/users/me/messages` } });
  check(r.status === 200 && r.json.ok === true && r.json.client_id === '[REDACTED:gmail]',
        'the resource accepted the Bearer token: ' + r.text);
  const after = (await api(fakeBase, 'GET', '/_stats')).json;
  check(after.refreshes[clientId] === 1 && after.resource_ok >= 1, 'one refresh, then the resource: ' + JSON.stringify(after));

  const tokens = (await api(fakeBase, 'GET', '/_tokens')).json;
  const log = fs.readFileSync(path.join(artifacts, 'tapd.log'), 'utf8');
  for (const secret of [clientSecret, token, ...tokens.refresh, ...tokens.access]) {
    check(!log.includes(secret), 'no secret or token in tapd\'s log');
  }
  const codeParam = new URL(callbackUrl).searchParams.get('code');
  check(codeParam && !log.includes(codeParam), 'the authorization code is not logged');
  console.log('PASS per-agent OAuth 2.0 connect in Chromium (consent, callback, refresh token stored, replay refused); artifacts in ' + artifacts);
}

let failed = false;
main()
  .catch((e) => { failed = true; console.error('FAIL ' + e.message); })
  .finally(() => {
    stopAll();
    process.exitCode = failed ? 1 : 0;
  });
