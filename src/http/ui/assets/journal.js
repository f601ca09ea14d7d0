// The request journal panel of the dashboard: the gateway requests (GET /__mock/requests), one
// row each; a click on a row unfolds the request's headers and body, what answered and, for a
// rejected signature, the diagnosis and its hints.

import { badge, empty, h, mono, orDash, pretty, snippet, table, time } from '/__mock/ui/dom.js';

const $ = (id) => document.getElementById(id);

// The entries unfolded (by id), and the last data drawn, to redraw on a click.
const page = { open: new Set(), last: null };

const COLUMNS = ['at', 'method', 'path', 'appId', 'auth (verdict · reason)', 'status', 'errCode', 'answeredBy', 'outcome', 'durationMs'];

// `name: value` lines as a definition list.
function pairs(entries, testid) {
  return h('dl', { class: 'fields', 'data-testid': testid },
    entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v === null || v === undefined ? '—' : String(v))]));
}

const block = (title, ...content) => h('section', { class: 'j-block' }, h('h3', {}, title), content);

// Why a signature was refused: the strings the sandbox and the client signed, and the hints.
function diagnosis(d) {
  if (!d || typeof d !== 'object') return null;
  const diff = d.firstDifference;
  return block('Signature diagnosis 签名诊断',
    d.hints && d.hints.length
      ? h('ul', { class: 'hints', 'data-testid': 'journal-hints' }, d.hints.map((t) => h('li', {}, t)))
      : null,
    pairs([
      ['rule', d.rule],
      ['expectedCanonical', d.expectedCanonical],
      ['receivedCanonical', d.receivedCanonical],
      ['expectedSignature', d.expectedSignature],
      ['receivedSignature', d.receivedSignature],
      ['firstDifference', diff ? `at ${diff.index}: expected “${diff.expected}”, received “${diff.received}”` : null],
    ].filter(([, v]) => v !== undefined), 'journal-diagnosis'));
}

function detail(r) {
  const query = r.query ? `?${r.query}` : '';
  const auth = r.auth || {};
  return h('tr', { class: 'j-detail', 'data-testid': 'journal-detail', dataset: { id: r.id } },
    h('td', { colspan: COLUMNS.length },
      h('div', { class: 'j-grid' },
        block('Request 请求',
          h('div', { class: 'mono small' }, `${r.method} ${r.path}${query}`),
          pairs(Object.entries(r.headers || {}), 'journal-headers'),
          r.body
            ? h('pre', { class: 'body', 'data-testid': 'journal-body' }, pretty(r.body))
            : h('p', { class: 'muted' }, 'No body.'),
          r.bodyTruncated ? h('p', { class: 'muted small' }, 'Cut at 16 KiB.') : null),
        block('Response 响应',
          pairs([
            ['status', r.response.status],
            ['errCode', r.response.errCode],
            ['answeredBy', r.response.answeredBy],
            ['outcome', r.outcome],
            ['faults', (r.faults || []).join(', ') || null],
            ['durationMs', r.durationMs],
          ], 'journal-response'),
          h('p', { class: 'muted small' }, 'The journal keeps what answered and its status and errCode, not the answer’s headers and body.')),
        block('Authentication 认证',
          pairs([
            ['scheme', auth.scheme],
            ['verdict', auth.verdict],
            ['reason', auth.reason],
            ['timestampWindow', auth.timestampWindow],
          ], 'journal-auth'))),
      diagnosis(auth.diagnosis)));
}

function toggle(id) {
  if (page.open.has(id)) page.open.delete(id);
  else page.open.add(id);
  if (page.last) renderJournal(page.last);
}

function row(r) {
  const open = page.open.has(r.id);
  return h('tr', {
    class: `j-row${open ? ' open' : ''}`,
    'data-testid': 'journal-row',
    dataset: { id: r.id, path: r.path, outcome: r.outcome },
    tabindex: 0,
    'aria-expanded': String(open),
    title: 'Click for the headers, the body and the diagnosis',
    onclick: (ev) => {
      if (!getSelection().isCollapsed) return; // selecting text to copy does not fold the row
      ev.preventDefault();
      toggle(r.id);
    },
    onkeydown: (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        toggle(r.id);
      }
    },
  },
  h('td', {}, h('span', { class: 'fold' }, open ? '▾ ' : '▸ '), time(r.at)),
  h('td', {}, mono(r.method)),
  h('td', { class: 'path' }, mono(r.query ? `${r.path}?${snippet(r.query, 40)}` : r.path, r.query ? `${r.path}?${r.query}` : r.path)),
  h('td', {}, orDash(r.appId, (id) => mono(`${id.slice(0, 12)}…`, id))),
  h('td', {}, r.auth.scheme ? h('div', { class: 'muted mono small' }, r.auth.scheme) : null,
    badge(r.auth.verdict, r.auth.verdict, 'journal-verdict'),
    r.auth.reason ? h('div', { class: 'reason' }, r.auth.reason) : null,
    ...(r.hints || []).map((hint) => h('div', { class: 'muted small', 'data-testid': 'journal-hint' }, hint))),
  h('td', { class: 'num' }, r.response.status),
  h('td', {}, orDash(r.response.errCode, (c) => mono(c))),
  h('td', {}, mono(r.response.answeredBy)),
  h('td', {}, badge(r.outcome, r.outcome === 'ok' ? 'delivered' : 'rejected', 'journal-outcome')),
  h('td', { class: 'num' }, r.durationMs));
}

// `{requests, limit}`.
export function renderJournal(data) {
  page.last = data;
  const list = data.requests || [];
  $('journal-count').textContent = list.length >= data.limit ? `newest ${data.limit}` : list.length;
  if (!list.length) {
    $('journal-body').replaceChildren(empty('No gateway requests yet (token and business calls are listed here).'));
    return;
  }
  const shown = new Set(list.map((r) => r.id));
  for (const id of page.open) if (!shown.has(id)) page.open.delete(id);
  $('journal-body').replaceChildren(table(COLUMNS,
    list.flatMap((r) => (page.open.has(r.id) ? [row(r), detail(r)] : [row(r)])), 'journal'));
}
