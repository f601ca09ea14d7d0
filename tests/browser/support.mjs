// What the dashboard checks share: the sandbox binary and the merchant servers they start, the
// control API and a merchant's signed gateway calls, and a tiny runner.

import { spawn } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.resolve(process.env.CHINAUMS_MOCK_BIN || path.join(ROOT, 'target/debug/chinaums-mock'));
export const APP_ID = '10037e6f66f2d0f901672aa27d690006';
export const APP_KEY = '47ace12ae3b348fe93ab46cee97c6fde';
export const MD5_KEY = 'impARTxrQcfwmRijpDNCw6hPxaWCddKEpYxjaKXDhCaTCXJ6';
export const MID = '898201612345678';
export const QR_APP_ID = '10037e6f6823b20801682b6a5e5a0006';
export const WAIT_MS = 15_000;

// Everything started, stopped at the end whatever happened.
const running = [];
export const sandboxLog = [];

// ---------- the servers ----------

// The sandbox on a free port, frozen at the start of the story; `args` adds options.
export function startSandbox(args = []) {
  const child = spawn(BIN, [
    '--port', '0', '--seed', '1',
    '--clock-start', '2026-11-25T12:00:00+08:00', '--clock-frozen', ...args,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push({ stop: () => stopChild(child) });
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

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

const listen = (server) => new Promise((resolve) => {
  server.listen(0, '127.0.0.1', () => resolve(server.address().port));
});

// A merchant that acknowledges every notification the ChinaUMS way.
export async function startReceiver() {
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
  const port = await listen(server);
  running.push({ stop: () => server.close() });
  return { server, received, url: `http://127.0.0.1:${port}/chinaums/notify` };
}

// A merchant that takes the connection and never answers: deliveries time out.
export async function startSilentServer() {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  const port = await listen(server);
  running.push({ stop: () => { for (const s of sockets) s.destroy(); server.close(); } });
  return { port, url: `http://127.0.0.1:${port}/notify` };
}

// A port nothing listens on: taken from the system, then let go.
export async function closedPort() {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function stopAll() {
  for (const r of running.splice(0).reverse()) await r.stop();
}

// ---------- the control API and the gateway ----------

export async function control(base, method, pathname, body, token) {
  const headers = body ? { 'content-type': 'application/json' } : {};
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}/__mock${pathname}`, {
    method, headers, body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// The sandbox's `now` as the gateway's timestamps spell it: yyyyMMddHHmmss, Beijing time.
export async function gatewayTimestamp(base) {
  const clock = await control(base, 'GET', '/clock');
  return clock.now.slice(0, 19).replace(/[-T:]/g, '');
}

// OPEN-BODY-SIG and OPEN-FORM-PARAM sign the same: base64(HMAC-SHA256(appKey, appId + timestamp
// + nonce + hex(SHA-256(content)))).
export function bodySignature(timestamp, nonce, content) {
  const digest = createHash('sha256').update(content, 'utf8').digest('hex');
  return createHmac('sha256', APP_KEY).update(APP_ID + timestamp + nonce + digest).digest('base64');
}

// A business call signed with OPEN-BODY-SIG: the raw answer.
export async function gatewayCall(base, pathname, members) {
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
  return { status: res.status, answer: await res.json() };
}

// A business call that must succeed, answering the gateway's JSON.
export async function gateway(base, pathname, members) {
  const { status, answer } = await gatewayCall(base, pathname, members);
  assert(status === 200 && ['SUCCESS', '0000'].includes(answer.errCode), `${pathname}: ${status} ${JSON.stringify(answer)}`);
  return answer;
}

// `POST /v1/token/access` for an app, signed at `timestamp` (yyyyMMddHHmmss).
export async function requestToken(base, appId, appKey, timestamp) {
  const nonce = randomUUID();
  const signature = createHash('sha256').update(appId + timestamp + nonce + appKey).digest('hex');
  const res = await fetch(`${base}/v1/token/access`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appId, timestamp, nonce, signMethod: 'SHA256', signature }),
  });
  return res.json();
}

// The URL of an H5 payment (OPEN-FORM-PARAM GET), which the browser opens like a merchant's page
// would: the gateway creates the order and answers 302 to the cashier page.
export async function h5PayUrl(base, pathname, members) {
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
export function signValid(body) {
  const fields = new URLSearchParams(body);
  const signed = [...fields].filter(([k, v]) => k !== 'sign' && v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
  const hash = fields.get('signType') === 'MD5' ? 'md5' : 'sha256';
  return createHash(hash).update(signed + MD5_KEY, 'utf8').digest('hex').toUpperCase() === fields.get('sign');
}

// The notification once the merchant acknowledged it.
export async function delivered(base, id) {
  return control(base, 'GET', `/notifications/${encodeURIComponent(id)}/wait?status=delivered&timeoutMs=${WAIT_MS}`);
}

// What the merchant received for an order or a bill: the form fields of each notification.
export function receivedFor(receiver, member, number) {
  return receiver.received.map((r) => new URLSearchParams(r.body)).filter((f) => f.get(member) === number);
}

// ---------- a tiny runner ----------

export const results = [];

export async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok - ${name}`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`not ok - ${name}\n  ${String(e && e.stack || e).split('\n').slice(0, 6).join('\n  ')}`);
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}
