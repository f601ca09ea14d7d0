// Building blocks of the dashboard: the control API client and a tiny DOM builder.
// Everything from the API is inserted as text (never as markup).

const API = '/__mock';

// With --admin-token, open the page as /__mock/ui#token=<admin token>: the fragment never
// reaches the server or its logs, and every API call carries it as a Bearer token.
const ADMIN_TOKEN = new URLSearchParams(location.hash.slice(1)).get('token');

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body) {
  const init = { method, headers: { accept: 'application/json' } };
  if (ADMIN_TOKEN) {
    init.headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  }
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(API + path, init);
  } catch (e) {
    throw new ApiError(0, 'UNREACHABLE', `Nothing answers at ${location.host}: is the sandbox still running? (${e.message})`);
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (_) {
    json = null;
  }
  if (!res.ok) {
    const err = json && json.error;
    throw new ApiError(
      res.status,
      (err && err.code) || `HTTP_${res.status}`,
      (err && err.message) || text || res.statusText,
    );
  }
  return json;
}

// h('td', {class: 'x', dataset: {id}}, child…): a DOM element; strings become text nodes.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export const mono = (text, title) => h('span', { class: 'mono', title }, text);
export const dash = () => h('span', { class: 'muted' }, '—');
export const orDash = (v, f) => (v === null || v === undefined || v === '' ? dash() : f ? f(v) : String(v));
export const time = (s) => (s ? h('time', { datetime: s, title: s }, s.replace('T', ' ').replace(/\+08:00$/, '')) : dash());
export const badge = (text, kind, testid) => h('span', { class: `badge ${kind || text}`, 'data-testid': testid }, text);
export const snippet = (s, n) => (s && s.length > n ? `${s.slice(0, n)}…` : s);

export function table(columns, rows, cls) {
  return h('table', { class: cls },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c)))),
    h('tbody', {}, rows));
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

// Fills an app menu, keeping the app chosen; `first` is the option for "no app" (or none).
export function fillAppSelect(select, apps, first) {
  const chosen = select.value;
  const options = (apps || []).map((a) => h('option', { value: a.appId, selected: a.appId === chosen },
    `${a.name} · ${a.appId.slice(0, 8)}…`));
  select.replaceChildren(...(first ? [h('option', { value: '' }, first)] : []), ...options);
}

// A JSON value for reading: indented, or the text itself when it is not JSON.
export function pretty(text) {
  if (typeof text !== 'string') return JSON.stringify(text, null, 2);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (_) {
    return text;
  }
}

// A <details> whose open state outlives redraws: `open` is the set of keys unfolded.
export function keptDetails(open, key, summary, ...content) {
  return h('details', {
    open: open.has(key),
    ontoggle: (ev) => (ev.currentTarget.open ? open.add(key) : open.delete(key)),
  }, h('summary', {}, summary), content);
}
