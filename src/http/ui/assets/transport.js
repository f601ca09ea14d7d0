// A delivery attempt's transport error in plain words. The sandbox records what its HTTP client
// said ("error sending request for url (…): client error (Connect): tcp connect error:
// Connection refused (os error 111)"); the dashboard says what it means and keeps that text at
// hand. Errors the sandbox already words itself (faults, blocked URLs) are left as they are.

// Where the attempt went: "127.0.0.1:9" and "127.0.0.1", from the URL named in the error (or
// the attempt's own).
function target(raw, url) {
  const named = /for url \(([^)]+)\)/.exec(raw);
  try {
    const u = new URL(named ? named[1] : url);
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    return { host: u.hostname, hostPort: `${u.hostname}:${port}` };
  } catch (_) {
    return { host: 'the callback host', hostPort: 'the callback address' };
  }
}

// "10 s", "1.5 s", "250 ms".
function seconds(ms) {
  if (!Number.isFinite(ms) || ms <= 0) return null;
  if (ms < 1000) return `${ms} ms`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

// [test, words]: the first test the raw text (or the attempt) passes gives the words.
const RULES = [
  [/connection refused/i, (t) => `Nothing is listening at ${t.hostPort} (connection refused)`],
  [(raw, a) => a.outcome === 'timeout' || /timed out/i.test(raw), (t, a) => {
    const after = seconds(a.durationMs);
    return `Timed out${after ? ` after ${after}` : ''}: no answer from ${t.hostPort}`;
  }],
  [/dns error|failed to lookup address|name or service not known|nodename nor servname|no address associated/i,
    (t) => `The name ${t.host} does not resolve (DNS lookup failed)`],
  [/UnknownIssuer/, (t) => `TLS certificate not trusted: ${t.host}'s certificate is signed by an authority the sandbox does not know (--callback-ca-file adds one)`],
  [/CaUsedAsEndEntity|self[- ]signed/i, (t) => `TLS certificate not trusted: ${t.host} presents a self-signed certificate (--callback-ca-file trusts it)`],
  [/NotValidForName/, (t) => `TLS certificate not valid for ${t.host}: it names other hosts`],
  [/NotValidYet/, (t) => `TLS certificate of ${t.host} is not valid yet`],
  [/Expired/, (t) => `TLS certificate of ${t.host} has expired`],
  [/received corrupt message|InvalidContentType|wrong version number/i,
    (t) => `${t.hostPort} does not speak TLS (an https:// URL for a plain http:// server?)`],
  [/invalid peer certificate|certificate/i, (t) => `TLS certificate of ${t.host} not trusted`],
  [/handshake|peer is incompatible|AlertReceived/i, (t) => `The TLS handshake with ${t.hostPort} failed`],
  [/connection reset/i, (t) => `${t.hostPort} closed the connection without answering (connection reset)`],
  [/closed before message completed|IncompleteMessage|unexpected EOF|broken pipe/i,
    (t) => `${t.hostPort} closed the connection before answering`],
  [/network is unreachable|no route to host|host is unreachable/i, (t) => `No route to ${t.host} (network unreachable)`],
  [/invalid HTTP|invalid status|invalid header|parse error|Parse\(/i, (t) => `The answer from ${t.hostPort} is not valid HTTP`],
];

// Whether the text is the HTTP client's own (as opposed to the sandbox's words).
const CLIENT_TEXT = /^(error (sending request|reading|decoding)|client error|request or response body error)/i;

// `{text, raw}` for an attempt with an error: `text` in plain words, `raw` as recorded. A text
// no rule knows stays as it is (text === raw).
export function plainError(attempt) {
  const raw = attempt && attempt.error;
  if (!raw) return null;
  if (!CLIENT_TEXT.test(raw)) return { text: raw, raw };
  const t = target(raw, attempt.url);
  for (const [test, words] of RULES) {
    const hit = typeof test === 'function' ? test(raw, attempt) : test.test(raw);
    if (hit) return { text: words(t, attempt), raw };
  }
  return { text: raw, raw };
}
