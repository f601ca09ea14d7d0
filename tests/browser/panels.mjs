// The panels that script the sandbox: access tokens and the clock that expires them, a clock
// frozen, run and set, faults and stubs added, seen acting and deleted, journal rows unfolded,
// and the panel links.

import {
  APP_ID, APP_KEY, assert, check, control, gatewayCall, gatewayTimestamp, requestToken,
} from './support.mjs';

export async function panelChecks(ctx) {
  const { base, page } = ctx;
  const clockRow = (id) => page.locator(`[data-testid="clock-row"][data-clock-id="${id}"]`);
  const bannerCode = async () => {
    await page.locator('#error-banner:not([hidden])').waitFor();
    const code = await page.locator('#error-code').innerText();
    await page.getByTestId('error-dismiss').click();
    return code;
  };

  await check('the tokens panel lists live tokens, each expiring by its app’s clock', async () => {
    const clock = await control(base, 'POST', '/clocks', { name: 'token clock', now: '2026-11-25T12:00:00+08:00', frozen: true });
    ctx.tokenClock = clock.id;
    const app = await control(base, 'POST', '/apps', { name: '令牌商户', clock: clock.id });
    const token = await requestToken(base, app.appId, app.appKey, '20261125120000');
    assert(token.errCode === '0000', `token: ${JSON.stringify(token)}`);
    const row = page.locator(`[data-testid="token-row"][data-token="${token.accessToken}"]`);
    await row.waitFor();
    const text = await row.innerText();
    for (const want of ['令牌商户', '2026-11-25 12:00:00', '2026-11-25 13:00:00', '1 h 0 min']) {
      assert(text.includes(want), `the token row lacks ${want}: ${text}`);
    }
    assert(await page.locator(`[data-testid="token-row"][data-app-id="${APP_ID}"]`).count() >= 1, 'the story’s token is not listed');
    assert((await page.locator('#tokens-count').innerText()).includes('at most 10 per app'), 'the cap is not shown');
    // Its clock moves on from the clocks panel: ten seconds left are marked, then it is gone.
    await page.getByTestId('clock-advance-id').selectOption(clock.id);
    await page.getByTestId('clock-advance-seconds').fill('3590');
    await page.getByTestId('clock-advance-button').click();
    await row.getByTestId('token-expires-in').locator('.badge', { hasText: '10 s' }).waitFor();
    await page.getByTestId('clock-advance-seconds').fill('10');
    await page.getByTestId('clock-advance-button').click();
    await row.waitFor({ state: 'detached' });
    assert(await page.locator(`[data-testid="token-row"][data-app-id="${APP_ID}"]`).count() >= 1, 'the default clock’s token expired too');
  });

  await check('the clocks panel runs, freezes and sets a clock', async () => {
    const row = clockRow(ctx.tokenClock);
    await row.getByTestId('clock-freeze-button').filter({ hasText: 'Run' }).click();
    await page.locator(`[data-testid="clock-row"][data-clock-id="${ctx.tokenClock}"][data-frozen="false"]`).waitFor();
    assert((await control(base, 'GET', `/clocks/${ctx.tokenClock}`)).frozen === false, 'the clock still stands');
    await row.getByTestId('clock-freeze-button').filter({ hasText: 'Freeze' }).click();
    await page.locator(`[data-testid="clock-row"][data-clock-id="${ctx.tokenClock}"][data-frozen="true"]`).waitFor();
    await page.getByTestId('clock-set-id').selectOption(ctx.tokenClock);
    await page.getByTestId('clock-set-now').fill('2026-11-25T18:00:00+08:00');
    await page.getByTestId('clock-set-button').click();
    await row.getByTestId('clock-row-now').filter({ hasText: '2026-11-25 18:00:00' }).waitFor();
    await page.locator('#clock-now', { hasText: '2026-11-25 12:00:15' }).waitFor();
    await page.getByTestId('clock-set-now').fill('tomorrow');
    await page.getByTestId('clock-set-button').click();
    assert(await bannerCode() === 'VALIDATION_FAILED', 'a bad time is not refused');
  });

  await check('the faults panel adds a gateway error for one call, shows its hit, and deletes it', async () => {
    await page.getByTestId('fault-target').selectOption('gateway');
    assert(await page.getByTestId('fault-path').isVisible(), 'a gateway fault takes a path');
    assert(!(await page.getByTestId('fault-delaySeconds').isVisible()), 'delaySeconds is for notifications');
    await page.getByTestId('fault-action').selectOption('error');
    await page.getByTestId('fault-app').selectOption(APP_ID);
    await page.getByTestId('fault-path').fill('/v1/netpay/query');
    await page.getByTestId('fault-errCode').fill('TARGET_FAIL');
    await page.getByTestId('fault-times').fill('1');
    await page.getByTestId('fault-description').fill('browser fault');
    await page.getByTestId('fault-add').click();
    const row = page.locator('[data-testid="fault-row"][data-target="gateway"]', { hasText: 'browser fault' });
    await row.waitFor();
    const id = await row.getAttribute('data-id');
    assert((await row.innerText()).includes('TARGET_FAIL'), 'errCode not shown');
    assert(await row.getByTestId('fault-remaining').innerText() === '1', 'remaining');
    const { answer } = await gatewayCall(base, '/v1/netpay/query', { merOrderId: '3194FAULT1', mid: '898201612345678', tid: '88880001' });
    assert(answer.errCode === 'TARGET_FAIL', `the call: ${JSON.stringify(answer)}`);
    await row.getByTestId('fault-hits').filter({ hasText: '1' }).waitFor();
    await row.getByTestId('fault-remaining').filter({ hasText: 'spent' }).waitFor();
    await page.locator(`[data-testid="journal-row"][data-outcome="fault"]`).first().waitFor();
    await row.getByTestId('fault-delete').click();
    await row.waitFor({ state: 'detached' });
    assert(!(await control(base, 'GET', '/faults')).faults.some((f) => f.id === id), 'the fault is still there');
  });

  await check('a notification fault is named on the attempt, in the sandbox’s own words; Delete all clears faults', async () => {
    await page.getByTestId('fault-target').selectOption('notification');
    await page.getByTestId('fault-action').selectOption('drop');
    assert(!(await page.getByTestId('fault-path').isVisible()), 'a notification fault takes no path');
    await page.getByTestId('fault-app').selectOption(ctx.plainApp);
    await page.getByTestId('fault-times').fill('1');
    await page.getByTestId('fault-description').fill('');
    await page.getByTestId('fault-add').click();
    const row = page.locator('[data-testid="fault-row"][data-action="drop"]');
    await row.waitFor();
    await page.locator(`[data-testid="app-row"][data-app-id="${ctx.plainApp}"]`).getByTestId('open-button').click();
    const id = await row.getAttribute('data-id');
    const error = page.locator('[data-testid="attempt"][data-outcome="connection_failed"]', { hasText: `fault ${id}` })
      .getByTestId('attempt-error');
    await error.waitFor();
    assert(await error.innerText() === `dropped by fault ${id} (as if the network lost it)`, await error.innerText());
    assert(await error.locator('xpath=..').locator('details').count() === 0, 'nothing to unfold for the sandbox’s own words');
    await page.getByTestId('faults-clear').click();
    await page.locator('#faults-body', { hasText: 'No faults' }).waitFor();
  });

  await check('the stubs panel adds a stub from JSON, shows its hits, refuses bad JSON, and deletes it', async () => {
    await page.getByTestId('stub-example').click();
    const example = JSON.parse(await page.getByTestId('stub-json').inputValue());
    assert(example.path === '/v1/netpay/refund', `example: ${JSON.stringify(example)}`);
    await page.getByTestId('stub-json').fill('{"path": ');
    await page.getByTestId('stub-add').click();
    assert(await bannerCode() === 'VALIDATION_FAILED', 'broken JSON is not caught');
    await page.getByTestId('stub-json').fill('{"method": "POST"}');
    await page.getByTestId('stub-add').click();
    assert(await bannerCode() === 'INVALID_JSON', 'the sandbox’s refusal is not shown');
    await page.getByTestId('stub-json').fill(JSON.stringify({
      method: 'POST', path: '/v1/netpay/query', appId: APP_ID, bodyJson: { merOrderId: '3194STUB1' },
      response: { status: 200, body: { errCode: 'SUCCESS', status: 'TRADE_CLOSED', merOrderId: '{{request.body.merOrderId}}' } },
      times: 2, description: 'browser stub',
    }));
    await page.getByTestId('stub-add').click();
    const row = page.locator('[data-testid="stub-row"]', { hasText: 'browser stub' });
    await row.waitFor();
    assert(await page.getByTestId('stub-json').inputValue() === '', 'the box is not emptied');
    const id = await row.getAttribute('data-id');
    const { answer } = await gatewayCall(base, '/v1/netpay/query', { merOrderId: '3194STUB1' });
    assert(answer.status === 'TRADE_CLOSED' && answer.merOrderId === '3194STUB1', `the call: ${JSON.stringify(answer)}`);
    await row.getByTestId('stub-hits').filter({ hasText: '1' }).waitFor();
    assert(await row.getByTestId('stub-remaining').innerText() === '1', 'remaining');
    ctx.stubId = id;
    await row.getByTestId('stub-delete').click();
    await row.waitFor({ state: 'detached' });
    assert((await control(base, 'GET', '/stubs')).stubs.length === 0, 'the stub is still there');
  });

  await check('a journal row unfolds into its headers, body, answer and signature diagnosis', async () => {
    const timestamp = await gatewayTimestamp(base);
    const refused = await requestToken(base, APP_ID, APP_KEY.split('').reverse().join(''), timestamp);
    assert(refused.errCode === '1003', `a wrong key: ${JSON.stringify(refused)}`);
    const row = page.locator('[data-testid="journal-row"][data-path="/v1/token/access"][data-outcome="auth_failed"]').first();
    await row.click();
    const detail = page.locator(`[data-testid="journal-detail"][data-id="${await row.getAttribute('data-id')}"]`);
    await detail.waitFor();
    assert((await detail.getByTestId('journal-headers').innerText()).includes('application/json'), 'headers');
    assert((await detail.getByTestId('journal-body').innerText()).includes('"signMethod": "SHA256"'), 'the body is not shown indented');
    assert((await detail.getByTestId('journal-response').innerText()).includes('1003'), 'errCode');
    assert((await detail.getByTestId('journal-hints').innerText()).includes('check the appKey'), 'hints');
    assert((await detail.getByTestId('journal-diagnosis').innerText()).includes('<appKey>'), 'the canonical string');
    // The stub's answer is named in its call's entry.
    const stubbed = page.locator('[data-testid="journal-row"][data-path="/v1/netpay/query"][data-outcome="ok"]').first();
    await stubbed.click();
    const second = page.locator(`[data-testid="journal-detail"][data-id="${await stubbed.getAttribute('data-id')}"]`);
    assert((await second.getByTestId('journal-response').innerText()).includes(`stub:${ctx.stubId}`), 'answeredBy');
    assert(await detail.isVisible(), 'unfolding one row folded another');
    await row.click();
    await detail.waitFor({ state: 'detached' });
    await stubbed.click();
    await second.waitFor({ state: 'detached' });
  });

  await check('the panel links scroll to a panel and leave the URL alone', async () => {
    const before = page.url();
    await page.locator('#panel-nav a', { hasText: 'Faults' }).click();
    await page.waitForFunction(() => {
      const r = document.getElementById('faults').getBoundingClientRect();
      return r.top < innerHeight && r.bottom > 0;
    });
    assert(page.url() === before, `the URL changed: ${page.url()}`);
  });
}
