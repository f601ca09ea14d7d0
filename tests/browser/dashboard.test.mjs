// Drives the /__mock/ui dashboard in Debian's Chromium against the real sandbox binary, with a
// real merchant callback server, and prints `browser: N passed, N failed` last. The checks are
// one story in several files, run in this order on one sandbox and one page:
//
//   story.mjs     apps, a Pay Score open and close, the clocks, the journal, the error banner
//   netpay.mjs    the cashier page, the orders and QR bills panels
//   delivery.mjs  callback URLs set from the page, failed deliveries in plain words
//   panels.mjs    tokens, clocks set and frozen, faults, stubs, journal rows unfolded
//   guarded.mjs   a second sandbox behind --admin-token
//   (here)        no script errors, the screenshot, the app menu, a QR bill's page, Reset
//
//   CHINAUMS_MOCK_BIN   the sandbox binary (default: target/debug/chinaums-mock from the repo root)
//   CHROMIUM_PATH       the browser (default: /usr/bin/chromium)
//   UPDATE_SCREENSHOT=1 write docs/dashboard.png (otherwise the screenshot goes to a temp dir)

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { deliveryChecks } from './delivery.mjs';
import { guardedChecks } from './guarded.mjs';
import { netpayChecks } from './netpay.mjs';
import { panelChecks } from './panels.mjs';
import { storyChecks } from './story.mjs';
import {
  APP_ID, APP_KEY, QR_APP_ID, ROOT, WAIT_MS, assert, check, control, requestToken, results,
  sandboxLog, startReceiver, startSandbox, stopAll,
} from './support.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const UPDATE_SCREENSHOT = process.env.UPDATE_SCREENSHOT === '1';
const WATCHDOG_MS = 240_000;

const tmp = mkdtempSync(path.join(tmpdir(), 'chinaums-mock-ui-'));
let browser;

async function cleanUp() {
  if (browser) await browser.close().catch(() => {});
  await stopAll();
  rmSync(tmp, { recursive: true, force: true });
}

const watchdog = setTimeout(async () => {
  console.log(`not ok - the run did not finish within ${WATCHDOG_MS / 1000} s`);
  console.log(`browser: ${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length + 1} failed`);
  await Promise.race([cleanUp(), new Promise((r) => setTimeout(r, 5_000))]);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

async function main() {
  const sandbox = await startSandbox();
  const receiver = await startReceiver();
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
  // An API error answer is logged by the browser as a failed load; the banner checks cover it.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) scriptErrors.push(m.text());
  });
  page.on('dialog', (d) => d.accept());

  const appRow = (id) => page.locator(`[data-testid="app-row"][data-app-id="${id}"]`);
  const notification = (text) => page.locator('[data-testid="notification"]', { hasText: text });
  const ctx = {
    base,
    browser,
    page,
    receiver,
    appRow,
    notification,
    orderRow: (number) => page.locator(`[data-testid="order-row"][data-mer-order-id="${number}"]`),
    billRow: (number) => page.locator(`[data-testid="bill-row"][data-bill-no="${number}"]`),
    deliveredAttempt: (n) => '[data-testid="attempt"][data-outcome="delivered"][data-http-status="200"]'
      + (n ? `[data-n="${n}"]` : ''),
  };

  await storyChecks(ctx);
  await netpayChecks(ctx);
  await deliveryChecks(ctx);
  await panelChecks(ctx);
  await guardedChecks(ctx);

  await check('the page renders without script errors', async () => {
    assert(scriptErrors.length === 0, scriptErrors.join('\n'));
  });

  await check('a screenshot of the dashboard is taken', async () => {
    // A fault and a stub no later call meets, and a journal row unfolded, so that the picture
    // shows those panels in use; they go again afterwards.
    const fault = await control(base, 'POST', '/faults', {
      target: 'gateway', action: 'error', appId: APP_ID, path: '/v1/netpay/close', errCode: 'TARGET_FAIL', times: 3, description: '关单失败',
    });
    const stub = await control(base, 'POST', '/stubs', {
      method: 'POST', path: '/v1/netpay/close', appId: APP_ID,
      response: { status: 200, body: { errCode: 'SUCCESS', status: 'TRADE_CLOSED' } }, description: 'close answers at once',
    });
    await page.locator(`[data-testid="fault-row"][data-id="${fault.id}"]`).waitFor();
    await page.locator(`[data-testid="stub-row"][data-id="${stub.id}"]`).waitFor();
    await page.locator('[data-testid="journal-row"][data-outcome="auth_failed"]').first().click();
    await page.getByTestId('journal-detail').waitFor();
    await page.evaluate(() => document.fonts.ready);
    await page.mouse.move(0, 0);
    const file = UPDATE_SCREENSHOT ? path.join(ROOT, 'docs/dashboard.png') : path.join(tmp, 'dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`  screenshot: ${file}`);
    if (UPDATE_SCREENSHOT) warnWithoutCjkFont();
    await page.locator('[data-testid="journal-row"][data-outcome="auth_failed"]').first().click();
    await control(base, 'DELETE', `/faults/${fault.id}`);
    await control(base, 'DELETE', `/stubs/${stub.id}`);
  });

  await check('the app menu narrows notifications, orders, bills and the journal to one app', async () => {
    await page.getByTestId('app-filter').selectOption(QR_APP_ID);
    await page.locator('[data-testid="notification"]', { hasText: APP_ID }).first().waitFor({ state: 'detached' });
    assert(await page.locator('[data-testid="notification"]').count() === 1, 'only the QR app’s notification');
    await page.locator('#journal-body', { hasText: 'No gateway requests yet' }).waitFor();
    await page.locator('#orders-body', { hasText: 'No orders yet' }).waitFor();
    await page.locator('#bills-body', { hasText: 'No QR bills yet' }).waitFor();
    await page.locator('#tokens-body', { hasText: 'No live tokens' }).waitFor();
    await page.getByTestId('app-filter').selectOption('');
    await notification(APP_ID).first().waitFor();
    await ctx.orderRow('3194DASH1').waitFor();
  });

  await check('a QR bill\'s code opens the cashier page, where Pay pays the bill', async () => {
    const token = await requestToken(base, APP_ID, APP_KEY, '20261125120020');
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
    if (ctx.plainApp) await appRow(ctx.plainApp).waitFor({ state: 'detached' });
    await page.locator('#tokens-body', { hasText: 'No live tokens' }).waitFor();
    await page.locator('#stubs-body', { hasText: 'No stubs' }).waitFor();
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
