// Drives the /__mock/ui dashboard in Debian's Chromium against the real sandbox binary, with a
// real merchant callback server, and prints `browser: N passed, N failed` last. Orders and bills
// are created through the gateway as a merchant does (OPEN-BODY-SIG, and OPEN-FORM-PARAM for the
// H5 payment the browser opens), and paid on the cashier page or from the dashboard.
//
//   CHINAUMS_MOCK_BIN   the sandbox binary (default: target/debug/chinaums-mock from the repo root)
//   CHROMIUM_PATH       the browser (default: /usr/bin/chromium)
//   UPDATE_SCREENSHOT=1 write docs/dashboard.png (otherwise the screenshot goes to a temp dir)

import { spawn, execFileSync } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.resolve(process.env.CHINAUMS_MOCK_BIN || path.join(ROOT, 'target/debug/chinaums-mock'));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const UPDATE_SCREENSHOT = process.env.UPDATE_SCREENSHOT === '1';
const APP_ID = '10037e6f66f2d0f901672aa27d690006';
const APP_KEY = '47ace12ae3b348fe93ab46cee97c6fde';
const MD5_KEY = 'impARTxrQcfwmRijpDNCw6hPxaWCddKEpYxjaKXDhCaTCXJ6';
const MID = '898201612345678';
const QR_APP_ID = '10037e6f6823b20801682b6a5e5a0006';
const WAIT_MS = 15_000;
const WATCHDOG_MS = 240_000;

const tmp = mkdtempSync(path.join(tmpdir(), 'chinaums-mock-ui-'));
const sandboxLog = [];
let sandbox;
let receiver;
let browser;

// ---------- the servers ----------

function startSandbox() {
  const child = spawn(BIN, [
    '--port', '0', '--seed', '1',
    '--clock-start', '2026-11-25T12:00:00+08:00', '--clock-frozen',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    sandboxLog.push(chunk);
    if (sandboxLog.length > 200) sandboxLog.shift();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no listening line within 30 s')), 30_000);
    child.once('error', (e) => { clearTimeout(timer); reject(new Error(`cannot start ${BIN}: ${e.message}`)); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`sandbox exited (${code}) before listening`)); });
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        const event = JSON.parse(line);
        if (event.event !== 'listening') throw new Error(`first line is not the listening event: ${line}`);
        resolve({ child, url: event.url });
      } catch (e) {
        reject(e);
      }
    });
  });
}

// A merchant that acknowledges every notification the ChinaUMS way.
function startReceiver() {
  const received = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('SUCCESS');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, received, url: `http://127.0.0.1:${server.address().port}/chinaums/notify` });
    });
  });
}

async function control(base, method, pathname, body) {
  const res = await fetch(`${base}/__mock${pathname}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// ---------- a merchant calling the gateway ----------

// The sandbox's `now` as the gateway's timestamps spell it: yyyyMMddHHmmss, Beijing time.
async function gatewayTimestamp(base) {
  const clock = await control(base, 'GET', '/clock');
  return clock.now.slice(0, 19).replace(/[-T:]/g, '');
}

// OPEN-BODY-SIG and OPEN-FORM-PARAM sign the same: base64(HMAC-SHA256(appKey, appId + timestamp
// + nonce + hex(SHA-256(content)))).
function bodySignature(timestamp, nonce, content) {
  const digest = createHash('sha256').update(content, 'utf8').digest('hex');
  return createHmac('sha256', APP_KEY).update(APP_ID + timestamp + nonce + digest).digest('base64');
}

// A business call signed with OPEN-BODY-SIG, answering the gateway's JSON.
async function gateway(base, pathname, members) {
  const body = JSON.stringify(members);
  const timestamp = await gatewayTimestamp(base);
  const nonce = randomUUID();
  const authorization = `OPEN-BODY-SIG AppId="${APP_ID}", Timestamp="${timestamp}", Nonce="${nonce}", `
    + `Signature="${bodySignature(timestamp, nonce, body)}"`;
  const res = await fetch(`${base}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json;charset=UTF-8', authorization },
    body,
  });
  const answer = await res.json();
  assert(res.status === 200 && ['SUCCESS', '0000'].includes(answer.errCode), `${pathname}: ${res.status} ${JSON.stringify(answer)}`);
  return answer;
}

// The URL of an H5 payment (OPEN-FORM-PARAM GET), which the browser opens like a merchant's page
// would: the gateway creates the order and answers 302 to the cashier page.
async function h5PayUrl(base, pathname, members) {
  const content = JSON.stringify(members);
  const timestamp = await gatewayTimestamp(base);
  const nonce = randomUUID().replace(/-/g, '');
  const query = new URLSearchParams({
    authorization: 'OPEN-FORM-PARAM', appId: APP_ID, timestamp, nonce, content,
    signature: bodySignature(timestamp, nonce, content),
  });
  return `${base}${pathname}?${query}`;
}

// Whether a form-encoded notification carries a valid `sign`: SHA-256 (or MD5) over the other
// non-empty fields sorted by key, `k=v` joined with `&`, then the md5Key, upper-case hex.
function signValid(body) {
  const fields = new URLSearchParams(body);
  const signed = [...fields].filter(([k, v]) => k !== 'sign' && v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
  const hash = fields.get('signType') === 'MD5' ? 'md5' : 'sha256';
  return createHash(hash).update(signed + MD5_KEY, 'utf8').digest('hex').toUpperCase() === fields.get('sign');
}

// The notification once the merchant acknowledged it.
async function delivered(base, id) {
  return control(base, 'GET', `/notifications/${encodeURIComponent(id)}/wait?status=delivered&timeoutMs=${WAIT_MS}`);
}

// What the merchant received for an order or a bill: the form fields of each notification.
function receivedFor(member, number) {
  return receiver.received.map((r) => new URLSearchParams(r.body)).filter((f) => f.get(member) === number);
}

// ---------- a tiny runner ----------

const results = [];

async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok - ${name}`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`not ok - ${name}\n  ${String(e && e.stack || e).split('\n').slice(0, 6).join('\n  ')}`);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

async function cleanUp() {
  if (browser) await browser.close().catch(() => {});
  if (receiver) receiver.server.close();
  if (sandbox && sandbox.child.exitCode === null) {
    const exited = new Promise((resolve) => sandbox.child.once('exit', resolve));
    sandbox.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (sandbox.child.exitCode === null) sandbox.child.kill('SIGKILL');
  }
  rmSync(tmp, { recursive: true, force: true });
}

const watchdog = setTimeout(() => {
  console.log(`not ok - the run did not finish within ${WATCHDOG_MS / 1000} s`);
  if (sandbox) sandbox.child.kill('SIGKILL');
  console.log(`browser: ${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length + 1} failed`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

// ---------- the story ----------

async function main() {
  sandbox = await startSandbox();
  receiver = await startReceiver();
  const base = sandbox.url;
  await control(base, 'PATCH', `/apps/${APP_ID}`, { callbackUrl: receiver.url });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  page.setDefaultTimeout(WAIT_MS);
  const scriptErrors = [];
  page.on('pageerror', (e) => scriptErrors.push(e.message));
  // An API error answer is logged by the browser as a failed load; the banner check covers it.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) scriptErrors.push(m.text());
  });
  page.on('dialog', (d) => d.accept());

  const appRow = (id) => page.locator(`[data-testid="app-row"][data-app-id="${id}"]`);
  const notification = (text) => page.locator('[data-testid="notification"]', { hasText: text });
  const deliveredAttempt = (n) => '[data-testid="attempt"][data-outcome="delivered"][data-http-status="200"]'
    + (n ? `[data-n="${n}"]` : '');

  await check('the dashboard shows the fixture apps with their wire fields and Chinese names', async () => {
    const res = await page.goto(`${base}/__mock/ui`);
    assert(res && res.status() === 200, `GET /__mock/ui answered ${res && res.status()}`);
    await appRow(APP_ID).waitFor();
    await appRow(QR_APP_ID).waitFor();
    const text = await appRow(APP_ID).innerText();
    for (const want of ['银商测试商户（网付APP/小程序）', '898201612345678', receiver.url, 'SHA256']) {
      assert(text.includes(want), `app row lacks ${want}: ${text}`);
    }
    const heads = await page.locator('h2').allInnerTexts();
    assert(heads.some((t) => t.startsWith('Notifications 通知')), `headings: ${heads}`);
    await page.locator('#clock-now', { hasText: '2026-11-25 12:00:00' }).waitFor();
    await page.locator('[data-testid="clock-frozen"][data-frozen="true"]').waitFor();
  });

  await check('Open sends a notification that appears delivered with HTTP 200', async () => {
    await appRow(APP_ID).getByTestId('open-button').click();
    const card = notification('PAYSCORE.USER_OPEN_SERVICE');
    await card.locator(deliveredAttempt(1)).waitFor();
    assert(await card.getAttribute('data-status') === 'delivered', 'the notification is not delivered');
    assert((await card.innerText()).includes('授权成功'), 'summary 授权成功 missing');
    assert(receiver.received.length >= 1, 'the merchant received nothing');
    assert(receiver.received[0].body.includes('eventType=PAYSCORE.USER_OPEN_SERVICE'), receiver.received[0].body);
    await page.locator('[data-testid="authorization-row"][data-state="OPEN"]').waitFor();
  });

  await check('the notification shows its fields with their wire names', async () => {
    const card = notification('PAYSCORE.USER_OPEN_SERVICE');
    await card.locator('summary').click();
    const fields = card.locator('details > dl.fields');
    await fields.waitFor();
    const text = await fields.innerText();
    for (const want of ['resoruceType', 'encryptreSource', 'openorcloseTime', 'userServiceStatus', 'signType']) {
      assert(text.includes(want), `fields lack ${want}`);
    }
  });

  await check('Redeliver makes one more attempt with the same id', async () => {
    const card = notification('PAYSCORE.USER_OPEN_SERVICE');
    await card.getByTestId('redeliver-button').click();
    await card.locator(deliveredAttempt(2)).waitFor();
    assert((await card.locator(deliveredAttempt(2)).innerText()).includes('redelivery'), 'trigger redelivery missing');
  });

  await check('the clock advances by 15 s from the +15 s button', async () => {
    await page.getByTestId('advance-15s').click();
    await page.locator('#clock-now', { hasText: '2026-11-25 12:00:15' }).waitFor();
  });

  await check('the clocks panel lists the default clock, creates a frozen one and advances it alone', async () => {
    const row = (id) => page.locator(`[data-testid="clock-row"][data-clock-id="${id}"]`);
    await row('default').waitFor();
    assert((await row('default').innerText()).includes('2026-11-25 12:00:15'), 'default clock row');
    await page.getByTestId('clock-create-name').fill('browser job');
    await page.getByTestId('clock-create-now').fill('2026-11-26T08:00:00+08:00');
    await page.getByTestId('clock-create-frozen').check();
    await page.getByTestId('clock-create-button').click();
    const created = page.locator('[data-testid="clock-row"]', { hasText: 'browser job' });
    await created.waitFor();
    const id = await created.getAttribute('data-clock-id');
    assert(id && id.startsWith('clk_'), `created clock id: ${id}`);
    assert(await created.getAttribute('data-frozen') === 'true', 'the new clock stands still');
    assert((await created.innerText()).includes('2026-11-26 08:00:00'), 'the new clock starts at its now');
    await page.locator(`#clock-advance-id option[value="${id}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('clock-advance-id').selectOption(id);
    await page.getByTestId('clock-advance-seconds').fill('3600');
    await page.getByTestId('clock-advance-button').click();
    await created.locator('[data-testid="clock-row-now"]', { hasText: '2026-11-26 09:00:00' }).waitFor();
    await page.locator('#clock-now', { hasText: '2026-11-25 12:00:15' }).waitFor();
    assert((await row('default').innerText()).includes('2026-11-25 12:00:15'), 'the default clock did not move');
    const onIt = await control(base, 'POST', '/apps', { clock: id, name: 'on the browser clock' });
    await appRow(onIt.appId).getByTestId('app-clock').filter({ hasText: id }).waitFor();
    assert((await appRow(APP_ID).getByTestId('app-clock').innerText()) === 'default', 'the demo app is on default');
  });

  await check('Close sends the close notification and the authorisation turns CLOSED', async () => {
    await page.locator('[data-testid="authorization-row"][data-state="OPEN"]').getByTestId('close-button').click();
    const card = notification('PAYSCORE.USER_CLOSE_SERVICE');
    await card.locator(deliveredAttempt(1)).waitFor();
    assert((await card.innerText()).includes('解除授权成功'), 'summary 解除授权成功 missing');
    await page.locator('[data-testid="authorization-row"][data-state="CLOSED"]').waitFor();
  });

  await check('the journal lists gateway requests with the auth verdict and reason', async () => {
    const timestamp = '20261125120015';
    const nonce = randomUUID();
    const signature = createHash('sha256').update(APP_ID + timestamp + nonce + APP_KEY).digest('hex');
    const token = await fetch(`${base}/v1/token/access`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appId: APP_ID, timestamp, nonce, signMethod: 'SHA256', signature }),
    }).then((r) => r.json());
    assert(token.errCode === '0000', `token: ${JSON.stringify(token)}`);
    const call = await fetch(`${base}/v1/netpay/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'OPEN-ACCESS-TOKEN AccessToken=0000deadbeef' },
      body: '{"merOrderId":"3194202611250001"}',
    });
    assert(call.status === 401, `a made-up token answered ${call.status}`);
    const ok = page.locator('[data-testid="journal-row"][data-path="/v1/token/access"][data-outcome="ok"]');
    await ok.waitFor();
    assert((await ok.innerText()).includes('0000'), 'errCode 0000 missing');
    const failed = page.locator('[data-testid="journal-row"][data-path="/v1/netpay/query"][data-outcome="auth_failed"]');
    await failed.waitFor();
    const text = await failed.innerText();
    for (const want of ['rejected', 'INVALID_TOKEN', '认证失败']) assert(text.includes(want), `journal row lacks ${want}: ${text}`);
  });

  await check('an API error is shown in the banner', async () => {
    await appRow(QR_APP_ID).getByTestId('open-button').click();
    const card = page.locator(`[data-testid="notification"][data-status="pending"]`, { hasText: QR_APP_ID });
    await card.waitFor();
    await card.getByTestId('redeliver-button').click();
    await page.locator('#error-banner:not([hidden])').waitFor();
    assert(await page.locator('#error-code').innerText() === 'NO_CALLBACK_URL', 'banner code');
    await page.getByTestId('error-dismiss').click();
    await page.locator('#error-banner').waitFor({ state: 'hidden' });
  });

  // ---------- netpay: the cashier page and the orders and bills panels ----------

  const orderRow = (number) => page.locator(`[data-testid="order-row"][data-mer-order-id="${number}"]`);
  const billRow = (number) => page.locator(`[data-testid="bill-row"][data-bill-no="${number}"]`);
  const h5Order = (number, desc) => ({
    requestTimestamp: '2026-11-25 12:00:00', mid: MID, tid: '88880001', instMid: 'H5DEFAULT',
    merOrderId: number, totalAmount: 288, orderDesc: desc, returnUrl: 'https://merchant.example/back',
  });
  // A phone-sized page of its own, as a payer's browser.
  const payerPage = async () => {
    const p = await browser.newPage({ viewport: { width: 390, height: 844 } });
    p.setDefaultTimeout(WAIT_MS);
    const errors = [];
    p.on('pageerror', (e) => errors.push(e.message));
    return { p, errors };
  };

  await check('an H5 payment redirects the browser to the cashier page, where Pay pays the order', async () => {
    const { p, errors } = await payerPage();
    const res = await p.goto(await h5PayUrl(base, '/v1/netpay/wxpay/h5-pay', h5Order('3194H5PAY1', '会员月卡')));
    assert(res && res.status() === 200, `the cashier page answered ${res && res.status()}`);
    const from = res.request().redirectedFrom();
    assert(from && from.url().includes('/v1/netpay/wxpay/h5-pay'), 'the page was not reached through the H5 redirect');
    const hop = await from.response();
    assert(hop && hop.status() === 302, `the H5 call answered ${hop && hop.status()}`);
    assert(new URL(p.url()).pathname.startsWith('/__mock/cashier/'), `landed on ${p.url()}`);
    const card = await p.getByTestId('cashier').innerText();
    for (const want of ['银商测试商户（网付APP/小程序）', '¥2.88', '3194H5PAY1', '会员月卡', 'NEW_ORDER']) {
      assert(card.includes(want), `the cashier page lacks ${want}: ${card}`);
    }
    await p.getByTestId('pay').click();
    await p.locator('[data-testid="result"]', { hasText: '支付成功' }).waitFor();
    assert(await p.getByTestId('pay').count() === 0, 'the Pay button is still there');
    assert(await p.getByTestId('back').getAttribute('href') === 'https://merchant.example/back', 'no link back to the merchant');
    const order = await control(base, 'GET', '/orders/3194H5PAY1');
    assert(order.status === 'TRADE_SUCCESS' && order.targetSys === 'WXPay', `the order: ${JSON.stringify(order)}`);
    assert(order.notifications.length === 1, `notifications: ${order.notifications}`);
    const note = await delivered(base, order.notifications[0]);
    assert(note.eventType === 'NETPAY.PAYMENT', `eventType ${note.eventType}`);
    const sent = receivedFor('merOrderId', '3194H5PAY1');
    assert(sent.length === 1 && sent[0].get('status') === 'TRADE_SUCCESS', 'the merchant did not get the payment');
    assert(signValid(receiver.received.find((r) => r.body.includes('3194H5PAY1')).body), 'the payment notification is not signed with the md5Key');
    assert(errors.length === 0, errors.join('\n'));
    await p.close();
  });

  await check('Cancel on the cashier page closes the order', async () => {
    const { p, errors } = await payerPage();
    await p.goto(await h5PayUrl(base, '/v1/netpay/trade/h5-pay', h5Order('3194H5CANCEL1', '年卡')));
    await p.getByTestId('cancel').click();
    await p.locator('[data-testid="result"]', { hasText: '订单已关闭' }).waitFor();
    assert(await p.getByTestId('pay').count() === 0, 'a closed order can still be paid');
    const order = await control(base, 'GET', '/orders/3194H5CANCEL1');
    assert(order.status === 'TRADE_CLOSED', `the order is ${order.status}`);
    assert(order.notifications.length === 0, 'a cancelled payment sent a notification');
    assert(errors.length === 0, errors.join('\n'));
    await p.close();
  });

  await check('the orders panel shows an order the merchant created, and Pay turns it TRADE_SUCCESS', async () => {
    const number = '3194DASH1';
    await gateway(base, '/v1/netpay/wx/unified-order', {
      requestTimestamp: '2026-11-25 12:00:15', mid: MID, tid: '88880001', instMid: 'MINIDEFAULT',
      merOrderId: number, totalAmount: 1000, orderDesc: '咖啡券', tradeType: 'MINI',
      subAppId: 'wx1234567890abcdef', subOpenId: 'oMXJN5fYT4VCfmUQP8nl9oCHXQhM',
    });
    const row = orderRow(number);
    await row.waitFor();
    assert(await row.getAttribute('data-status') === 'WAIT_BUYER_PAY', 'a new mini-program order waits for the buyer');
    const text = await row.innerText();
    for (const want of ['/v1/netpay/wx/unified-order', '1000', '¥10.00', '咖啡券']) assert(text.includes(want), `the row lacks ${want}: ${text}`);
    assert(await row.getByTestId('order-refund-button').count() === 0, 'an unpaid order offers a refund');
    await row.getByTestId('order-pay-button').click();
    await page.locator(`[data-testid="order-row"][data-mer-order-id="${number}"][data-status="TRADE_SUCCESS"]`).waitFor();
    assert((await page.getByTestId('flash').innerText()).includes(`Paid ${number} → TRADE_SUCCESS`), 'flash message');
    assert(!(await row.getByTestId('order-pay-time').innerText()).includes('—'), 'no payTime shown');
    assert(await row.getByTestId('order-pay-button').count() === 0, 'a paid order can be paid again');
    // The payment notification, linked to its card in the notifications panel.
    const link = row.getByTestId('notification-link');
    await link.waitFor();
    const id = await link.getAttribute('data-id');
    await delivered(base, id);
    await row.locator('[data-testid="order-notifications"] .badge.delivered').waitFor();
    await link.click();
    const card = page.locator(`[data-testid="notification"][data-id="${id}"]`);
    await card.locator('.n-head', { hasText: 'NETPAY.PAYMENT' }).waitFor();
    assert((await card.innerText()).includes(`TRADE_SUCCESS · ${number}`), 'the card does not say which order');
    // The link scrolls smoothly: wait until the card is in view.
    await page.waitForFunction((cardId) => {
      const r = document.getElementById(`notification-${cardId}`).getBoundingClientRect();
      return r.top < innerHeight && r.bottom > 0;
    }, id);
    assert(!page.url().includes('#'), 'the link changed the URL');
  });

  await check("the apps panel shows an app's payer settings", async () => {
    await appRow(APP_ID).locator('.chip', { hasText: 'orderExpirySeconds 7200' }).waitFor();
    await control(base, 'PATCH', `/apps/${APP_ID}`, { payer: { autoPaySeconds: 3600, refundStatus: 'PROCESSING' } });
    await appRow(APP_ID).locator('.chip', { hasText: 'autoPaySeconds 3600 (success)' }).waitFor();
    await appRow(APP_ID).locator('.chip', { hasText: 'refundStatus PROCESSING, 60 s' }).waitFor();
    await control(base, 'PATCH', `/apps/${APP_ID}`, { payer: { autoPaySeconds: null, refundStatus: 'SUCCESS' } });
    await appRow(APP_ID).locator('.chip', { hasText: 'autoPaySeconds' }).waitFor({ state: 'detached' });
  });

  await check('Refund in the orders panel adds a refund and its notification; an empty amount refunds the rest', async () => {
    const number = '3194DASH1';
    const row = orderRow(number);
    await control(base, 'PATCH', `/apps/${APP_ID}`, { notify: { refundNotify: true } });
    await appRow(APP_ID).locator('.chip', { hasText: 'refundNotify true' }).waitFor();
    await row.getByTestId('refund-amount').fill('300');
    await row.getByTestId('order-refund-button').click();
    const first = row.locator('[data-testid="refund-row"]');
    await first.waitFor();
    assert((await first.innerText()).includes('300'), `the refund row: ${await first.innerText()}`);
    assert(await first.getAttribute('data-status') === 'SUCCESS', 'the refund did not succeed');
    assert((await row.getByTestId('order-refunded').innerText()).includes('300'), 'refunded column');
    assert(await row.getAttribute('data-status') === 'TRADE_SUCCESS', 'a partial refund keeps the order paid');
    const link = row.locator('[data-testid="notification-link"][data-event-type="NETPAY.REFUND"]');
    await link.waitFor();
    await delivered(base, await link.getAttribute('data-id'));
    const sent = receivedFor('refundOrderId', await first.getAttribute('data-refund-order-id'));
    assert(sent.length === 1 && sent[0].get('status') === 'TRADE_REFUND' && sent[0].get('refundAmount') === '300',
      `the merchant did not get the refund: ${sent.map(String)}`);
    await page.locator(`[data-testid="order-row"][data-mer-order-id="${number}"] [data-testid="refund-amount"][placeholder="all 700"]`).waitFor();
    await row.getByTestId('order-refund-button').click();
    await page.locator(`[data-testid="order-row"][data-mer-order-id="${number}"][data-status="TRADE_REFUND"]`).waitFor();
    assert(await row.locator('[data-testid="refund-row"]').count() === 2, 'two refunds');
    assert(await row.getByTestId('order-refund-button').count() === 0, 'a fully refunded order offers a refund');
    const order = await control(base, 'GET', `/orders/${number}`);
    assert(order.refunds.map((r) => r.refundAmount).join(',') === '300,700', `refunds: ${JSON.stringify(order.refunds)}`);
  });

  await check('Fail in the orders panel closes an unpaid order', async () => {
    const number = '3194DASH2';
    await gateway(base, '/v1/netpay/trade/create', {
      requestTimestamp: '2026-11-25 12:00:15', mid: MID, tid: '88880001', instMid: 'APPDEFAULT',
      merOrderId: number, totalAmount: 1, tradeType: 'APP',
    });
    await orderRow(number).getByTestId('order-fail-button').click();
    await page.locator(`[data-testid="order-row"][data-mer-order-id="${number}"][data-status="TRADE_CLOSED"]`).waitFor();
  });

  await check('the bills panel shows a QR bill, and Pay pays it and its order appears', async () => {
    const bill = await gateway(base, '/v1/netpay/bills/get-qrcode', {
      requestTimestamp: '2026-11-25 12:00:15', mid: MID, tid: '88880001', instMid: 'QRPAYDEFAULT',
      billNo: '3194DASHBILL1', billDate: '2026-11-25', totalAmount: 520, billDesc: '停车费',
    });
    const row = billRow('3194DASHBILL1');
    await row.waitFor();
    assert(await row.getAttribute('data-status') === 'UNPAID', 'a new bill is unpaid');
    assert(await row.getByTestId('bill-qr-link').getAttribute('href') === bill.billQRCode, 'the billQRCode link');
    await row.getByTestId('bill-pay-button').click();
    await page.locator('[data-testid="bill-row"][data-bill-no="3194DASHBILL1"][data-status="PAID"]').waitFor();
    assert(await row.getByTestId('bill-pay-button').count() === 0, 'a paid bill can be paid again');
    await row.getByTestId('bill-order-link').filter({ hasText: '3194DASHBILL10' }).waitFor();
    await orderRow('3194DASHBILL10').waitFor();
    assert(await orderRow('3194DASHBILL10').getAttribute('data-status') === 'TRADE_SUCCESS', 'the bill’s order is paid');
    const id = await row.getByTestId('notification-link').getAttribute('data-id');
    const note = await delivered(base, id);
    assert(note.eventType === 'NETPAY.BILL_PAYMENT', `eventType ${note.eventType}`);
    const sent = receivedFor('billNo', '3194DASHBILL1');
    assert(sent.length === 1 && sent[0].get('billStatus') === 'PAID', 'the merchant did not get the bill notification');
  });

  await check('the page renders without script errors', async () => {
    assert(scriptErrors.length === 0, scriptErrors.join('\n'));
  });

  await check('a screenshot of the dashboard is taken', async () => {
    await page.evaluate(() => document.fonts.ready);
    await page.mouse.move(0, 0);
    const file = UPDATE_SCREENSHOT ? path.join(ROOT, 'docs/dashboard.png') : path.join(tmp, 'dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`  screenshot: ${file}`);
    if (UPDATE_SCREENSHOT) warnWithoutCjkFont();
  });

  await check('the app menu narrows notifications, orders, bills and the journal to one app', async () => {
    await page.getByTestId('app-filter').selectOption(QR_APP_ID);
    await page.locator('[data-testid="notification"]', { hasText: APP_ID }).first().waitFor({ state: 'detached' });
    assert(await page.locator('[data-testid="notification"]').count() === 1, 'only the QR app’s notification');
    await page.locator('#journal-body', { hasText: 'No gateway requests yet' }).waitFor();
    await page.locator('#orders-body', { hasText: 'No orders yet' }).waitFor();
    await page.locator('#bills-body', { hasText: 'No QR bills yet' }).waitFor();
    await page.getByTestId('app-filter').selectOption('');
    await notification(APP_ID).first().waitFor();
    await orderRow('3194DASH1').waitFor();
  });

  await check('a QR bill\'s code opens the cashier page, where Pay pays the bill', async () => {
    const timestamp = '20261125120020';
    const nonce = randomUUID();
    const signature = createHash('sha256').update(APP_ID + timestamp + nonce + APP_KEY).digest('hex');
    const token = await fetch(`${base}/v1/token/access`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appId: APP_ID, timestamp, nonce, signMethod: 'SHA256', signature }),
    }).then((r) => r.json());
    const bill = await fetch(`${base}/v1/netpay/bills/get-qrcode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `OPEN-ACCESS-TOKEN AccessToken=${token.accessToken}` },
      body: JSON.stringify({ mid: '898201612345678', billNo: '3194BROWSER1', totalAmount: 288, billDesc: '停车费' }),
    }).then((r) => r.json());
    assert(bill.errCode === 'SUCCESS', `get-qrcode: ${JSON.stringify(bill)}`);
    const cashier = await browser.newPage({ viewport: { width: 390, height: 844 } });
    cashier.setDefaultTimeout(WAIT_MS);
    const pageErrors = [];
    cashier.on('pageerror', (e) => pageErrors.push(e.message));
    const res = await cashier.goto(bill.billQRCode);
    assert(res && res.status() === 200, `the cashier page answered ${res && res.status()}`);
    const card = await cashier.getByTestId('cashier').innerText();
    for (const want of ['银商测试商户（网付APP/小程序）', '¥2.88', '3194BROWSER1', '停车费', 'UNPAID']) {
      assert(card.includes(want), `the cashier page lacks ${want}: ${card}`);
    }
    await cashier.getByTestId('pay').click();
    await cashier.locator('[data-testid="result"]', { hasText: '支付成功' }).waitFor();
    assert(await cashier.getByTestId('pay').count() === 0, 'the Pay button is still there');
    const shown = await control(base, 'GET', '/bills/3194BROWSER1');
    assert(shown.billStatus === 'PAID', `the bill is ${shown.billStatus}`);
    assert(pageErrors.length === 0, pageErrors.join('\n'));
    await cashier.close();
  });

  await check('Reset, once confirmed, brings back the fixtures and the start time', async () => {
    await page.getByTestId('reset-button').click();
    await page.locator('#clock-now', { hasText: '2026-11-25 12:00:00' }).waitFor();
    await page.locator('[data-testid="notification"]').first().waitFor({ state: 'detached' });
    await appRow(APP_ID).waitFor();
    assert(!(await appRow(APP_ID).innerText()).includes(receiver.url), 'the callbackUrl survived the reset');
  });
}

function warnWithoutCjkFont() {
  try {
    if (!execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim()) {
      console.log('  warning: no Chinese font installed (apt-get install fonts-noto-cjk): the screenshot shows boxes');
    }
  } catch (_) { /* fontconfig absent: nothing to tell */ }
}

let setupFailed = false;
try {
  await main();
} catch (e) {
  setupFailed = true;
  console.log(`not ok - setting up: ${e && e.stack || e}`);
} finally {
  await cleanUp();
}
const failed = results.filter((r) => !r.ok).length + (setupFailed ? 1 : 0);
if (failed) console.log(`sandbox log (last lines):\n${sandboxLog.join('').split('\n').slice(-40).join('\n')}`);
console.log(`browser: ${results.length - results.filter((r) => !r.ok).length} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
