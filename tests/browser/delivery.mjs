// Callback URLs and delivery errors in the dashboard: the apps panel's callback form (set, edit,
// remove, the built-in sink) and attempts that fail for real — a refused connection, a merchant
// that never answers — told in plain words with the recorded text kept; then the words for the
// texts the sandbox records for TLS, DNS and reset connections.

import {
  assert, check, closedPort, control, startSilentServer,
} from './support.mjs';

// What the sandbox recorded for real failed attempts (reqwest's words), and what the dashboard
// says instead.
const RECORDED = [
  [{ error: 'error sending request for url (http://127.0.0.1:9/notify): client error (Connect): tcp connect error: Connection refused (os error 111)', outcome: 'connection_failed' },
    'Nothing is listening at 127.0.0.1:9 (connection refused)'],
  [{ error: 'error sending request for url (http://[::1]:9/notify): client error (Connect): tcp connect error: Connection refused (os error 111)', outcome: 'connection_failed' },
    'Nothing is listening at [::1]:9 (connection refused)'],
  [{ error: 'error sending request for url (http://127.0.0.1:47001/notify): operation timed out', outcome: 'timeout', durationMs: 10004 },
    'Timed out after 10 s: no answer from 127.0.0.1:47001'],
  [{ error: 'error sending request for url (https://127.0.0.1:47004/notify): client error (Connect): invalid peer certificate: UnknownIssuer', outcome: 'connection_failed' },
    'TLS certificate not trusted: 127.0.0.1\'s certificate is signed by an authority the sandbox does not know (--callback-ca-file adds one)'],
  [{ error: 'error sending request for url (https://127.0.0.1:47003/notify): client error (Connect): invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))', outcome: 'connection_failed' },
    'TLS certificate not trusted: 127.0.0.1 presents a self-signed certificate (--callback-ca-file trusts it)'],
  [{ error: 'error sending request for url (https://merchant.example/notify): client error (Connect): invalid peer certificate: NotValidForName', outcome: 'connection_failed' },
    'TLS certificate not valid for merchant.example: it names other hosts'],
  [{ error: 'error sending request for url (https://127.0.0.1:47002/notify): client error (Connect): received corrupt message of type InvalidContentType', outcome: 'connection_failed' },
    '127.0.0.1:47002 does not speak TLS (an https:// URL for a plain http:// server?)'],
  [{ error: 'error sending request for url (http://no-such-host.invalid/notify): client error (Connect): dns error: failed to lookup address information: Name or service not known', outcome: 'connection_failed' },
    'The name no-such-host.invalid does not resolve (DNS lookup failed)'],
  [{ error: 'error sending request for url (http://127.0.0.1:47005/notify): client error (SendRequest): connection error: Connection reset by peer (os error 104)', outcome: 'connection_failed' },
    '127.0.0.1:47005 closed the connection without answering (connection reset)'],
  // The sandbox's own words stay as they are.
  [{ error: 'dropped by fault flt-1 (as if the network lost it)', outcome: 'connection_failed' },
    'dropped by fault flt-1 (as if the network lost it)'],
  [{ error: 'the callback URL is not allowed by --callback-allow; nothing was sent', outcome: 'blocked' },
    'the callback URL is not allowed by --callback-allow; nothing was sent'],
];

export async function deliveryChecks(ctx) {
  const { base, page, appRow, notification } = ctx;
  const attempts = (appId, outcome) => notification(appId).locator(`[data-testid="attempt"][data-outcome="${outcome}"]`);
  const setCallback = async (appId, url) => {
    await page.getByTestId('callback-app').selectOption(appId);
    await page.getByTestId('callback-url').fill(url);
    await page.getByTestId('callback-set').click();
  };

  await check('the callback form sets an app’s URL; a refused connection is told in plain words, the recorded text kept', async () => {
    const port = await closedPort();
    // A short timeout, which its notifications keep: the timeout check waits one second only.
    const app = await control(base, 'POST', '/apps', { name: '连接被拒商户', notify: { timeoutMs: 1000 } });
    ctx.plainApp = app.appId;
    await appRow(app.appId).waitFor();
    const url = `http://127.0.0.1:${port}/notify`;
    await setCallback(app.appId, url);
    await appRow(app.appId).getByTestId('app-callback').filter({ hasText: url }).waitFor();
    assert((await control(base, 'GET', `/apps/${app.appId}`)).callbackUrl === url, 'the PATCH did not reach the app');
    assert((await page.getByTestId('flash').innerText()).includes(`→ ${url}`), 'flash message');

    await appRow(app.appId).getByTestId('open-button').click();
    const attempt = attempts(app.appId, 'connection_failed').first();
    await attempt.waitFor();
    const error = attempt.getByTestId('attempt-error');
    const said = await error.innerText();
    assert(said === `Nothing is listening at 127.0.0.1:${port} (connection refused)`, `said: ${said}`);
    const raw = await error.getAttribute('title');
    assert(raw.startsWith(`error sending request for url (${url})`) && /connection refused/i.test(raw), `tooltip: ${raw}`);
    await attempt.locator('summary', { hasText: 'as recorded' }).click();
    assert(await attempt.getByTestId('attempt-error-raw').innerText() === raw, 'the unfolded text is not the recorded one');

    await notification(app.appId).getByTestId('redeliver-button').click();
    await page.locator('[data-testid="flash"]', { hasText: `connection_failed — Nothing is listening at 127.0.0.1:${port}` }).waitFor();
    await attempts(app.appId, 'connection_failed').nth(1).waitFor();
    assert(await attempt.getByTestId('attempt-error-raw').isVisible(), 'the unfolded text folded at the redraw');
  });

  await check('a merchant that never answers is told as a timeout after the notification’s timeoutMs', async () => {
    const app = ctx.plainApp;
    const silent = await startSilentServer();
    await appRow(app).locator('.chip', { hasText: 'timeoutMs 1000' }).waitFor();
    await appRow(app).getByTestId('callback-edit').click();
    assert(await page.getByTestId('callback-app').inputValue() === app, 'edit did not choose the app');
    assert((await page.getByTestId('callback-url').inputValue()).includes('127.0.0.1:'), 'edit did not bring the URL');
    await page.getByTestId('callback-url').fill(silent.url);
    await page.getByTestId('callback-set').click();
    await appRow(app).getByTestId('app-callback').filter({ hasText: silent.url }).waitFor();
    await notification(app).getByTestId('redeliver-button').click();
    const error = attempts(app, 'timeout').getByTestId('attempt-error');
    await error.waitFor();
    const said = await error.innerText();
    assert(new RegExp(`^Timed out after 1(\\.\\d)? s: no answer from 127\\.0\\.0\\.1:${silent.port}$`).test(said), `said: ${said}`);
    assert((await error.getAttribute('title')).includes('timed out'), 'the recorded text is not in the tooltip');
  });

  await check('Remove leaves a new notification waiting; the built-in sink then acknowledges it', async () => {
    const app = ctx.plainApp;
    await page.getByTestId('callback-app').selectOption(app);
    await page.getByTestId('callback-remove').click();
    await appRow(app).getByTestId('app-callback').filter({ hasNotText: '127.0.0.1' }).waitFor();
    assert((await control(base, 'GET', `/apps/${app}`)).callbackUrl === null, 'the URL is still set');
    await appRow(app).getByTestId('open-button').click();
    const waiting = page.locator('[data-testid="notification"][data-status="pending"]', { hasText: 'awaitingCallbackUrl' })
      .filter({ hasText: app });
    await waiting.waitFor();
    const id = await waiting.getAttribute('data-id');
    await page.getByTestId('callback-sink').click();
    assert(await page.getByTestId('callback-url').inputValue() === `${base}/__mock/sink/${app}`, 'the sink URL');
    await page.getByTestId('callback-set').click();
    await page.locator(`[data-testid="notification"][data-id="${id}"][data-status="delivered"]`).waitFor();
    const sink = await control(base, 'GET', `/sink/${app}`);
    assert(sink.received.some((r) => r.signValid), `the sink: ${JSON.stringify(sink)}`);
  });

  await check('the texts recorded for TLS, DNS, timeouts and resets read in plain words', async () => {
    const said = await page.evaluate(async (cases) => {
      const { plainError } = await import('/__mock/ui/transport.js');
      return cases.map((attempt) => plainError(attempt));
    }, RECORDED.map(([attempt]) => attempt));
    RECORDED.forEach(([attempt, want], i) => {
      assert(said[i].text === want, `${attempt.error}\n  said: ${said[i].text}\n  want: ${want}`);
      assert(said[i].raw === attempt.error, 'the raw text is not kept');
    });
  });
}
