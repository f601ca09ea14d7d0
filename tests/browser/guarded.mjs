// The dashboard behind the control API's guards: a sandbox started with --admin-token, whose page
// takes the token from its URL fragment; every panel fills, and its actions (POST, PATCH, DELETE
// with the page's own Origin) pass the browser guard and the token check.

import {
  APP_ID, WAIT_MS, assert, check, startSandbox,
} from './support.mjs';

const TOKEN = 'browser-admin-token';

export async function guardedChecks(ctx) {
  const { browser } = ctx;
  let guarded;
  const open = async (url) => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    p.setDefaultTimeout(WAIT_MS);
    const errors = [];
    p.on('pageerror', (e) => errors.push(e.message));
    p.on('dialog', (d) => d.accept());
    await p.goto(url);
    return { p, errors };
  };

  await check('without the admin token the page says UNAUTHORIZED in the banner', async () => {
    guarded = await startSandbox(['--admin-token', TOKEN]);
    const { p } = await open(`${guarded.url}/__mock/ui`);
    await p.locator('#error-banner:not([hidden])').waitFor();
    assert(await p.locator('#error-code').innerText() === 'UNAUTHORIZED', 'banner code');
    assert((await p.getByTestId('live-status').innerText()).includes('offline'), 'live status');
    await p.close();
  });

  await check('with #token= every panel fills and the actions pass the guards, by IP address and by localhost', async () => {
    for (const origin of [guarded.url, guarded.url.replace('127.0.0.1', 'localhost')]) {
      const { p, errors } = await open(`${origin}/__mock/ui#token=${TOKEN}`);
      const appRow = p.locator(`[data-testid="app-row"][data-app-id="${APP_ID}"]`);
      await appRow.waitFor();
      await p.locator('[data-testid="clock-row"][data-clock-id="default"]').waitFor();
      await p.locator('#tokens-body', { hasText: 'No live tokens' }).waitFor();
      await p.locator('#faults-body', { hasText: 'No faults' }).waitFor();
      // PATCH: the callback form.
      await p.getByTestId('callback-app').selectOption(APP_ID);
      await p.getByTestId('callback-sink').click();
      await p.getByTestId('callback-set').click();
      await appRow.getByTestId('app-callback').filter({ hasText: `/__mock/sink/${APP_ID}` }).waitFor();
      // POST and DELETE: a fault added and removed.
      await p.getByTestId('fault-target').selectOption('token');
      await p.getByTestId('fault-action').selectOption('delay');
      await p.getByTestId('fault-delayMs').fill('10');
      await p.getByTestId('fault-add').click();
      const row = p.locator('[data-testid="fault-row"][data-target="token"]');
      await row.waitFor();
      await row.getByTestId('fault-delete').click();
      await row.waitFor({ state: 'detached' });
      // POST: a Pay Score open, delivered to the built-in sink.
      await appRow.getByTestId('open-button').click();
      await p.locator('[data-testid="notification"][data-status="delivered"]').first().waitFor();
      assert(await p.locator('#error-banner').isHidden(), `banner: ${await p.locator('#error-message').innerText()}`);
      assert(errors.length === 0, errors.join('\n'));
      // Back to the fixtures for the next name.
      await p.getByTestId('reset-button').click();
      await p.locator('[data-testid="notification"]').first().waitFor({ state: 'detached' });
      await p.close();
    }
  });
}
