// The first part of the dashboard story: the apps, a Pay Score open delivered to a real
// merchant and redelivered, the default clock and the clocks panel, a close, the journal and the
// error banner.

import { createHash, randomUUID } from 'node:crypto';

import {
  APP_ID, APP_KEY, QR_APP_ID, assert, check, control,
} from './support.mjs';

export async function storyChecks(ctx) {
  const {
    base, page, receiver, appRow, notification, deliveredAttempt,
  } = ctx;

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
}
