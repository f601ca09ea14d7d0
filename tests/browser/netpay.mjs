// Netpay in the dashboard: an H5 payment followed through its 302 to the cashier page, orders
// paid, refunded and failed from the orders panel, a QR bill paid from the bills panel. Orders
// and bills are created through the gateway as a merchant does (OPEN-BODY-SIG, OPEN-FORM-PARAM).

import {
  APP_ID, MID, WAIT_MS, assert, check, control, delivered, gateway, h5PayUrl, receivedFor, signValid,
} from './support.mjs';

export async function netpayChecks(ctx) {
  const {
    base, browser, page, receiver, appRow, orderRow, billRow,
  } = ctx;
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
    const sent = receivedFor(receiver, 'merOrderId', '3194H5PAY1');
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
    const sent = receivedFor(receiver, 'refundOrderId', await first.getAttribute('data-refund-order-id'));
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
    const sent = receivedFor(receiver, 'billNo', '3194DASHBILL1');
    assert(sent.length === 1 && sent[0].get('billStatus') === 'PAID', 'the merchant did not get the bill notification');
  });
}
