// Drives the /__mock/ui dashboard in Debian's Chromium against the real sandbox binary, with a
// real merchant callback server, and prints `browser: N passed, N failed` last.
//
//   CHINAUMS_MOCK_BIN   the sandbox binary (default: target/debug/chinaums-mock from the repo root)
//   CHROMIUM_PATH       the browser (default: /usr/bin/chromium)
//   UPDATE_SCREENSHOT=1 write docs/dashboard.png (otherwise the screenshot goes to a temp dir)

import { spawn, execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
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

  await check('the app menu narrows notifications and the journal to one app', async () => {
    await page.getByTestId('app-filter').selectOption(QR_APP_ID);
    await page.locator('[data-testid="notification"]', { hasText: APP_ID }).first().waitFor({ state: 'detached' });
    assert(await page.locator('[data-testid="notification"]').count() === 1, 'only the QR app’s notification');
    await page.locator('#journal-body', { hasText: 'No gateway requests yet' }).waitFor();
    await page.getByTestId('app-filter').selectOption('');
    await notification(APP_ID).first().waitFor();
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
