// The notifications panel of the dashboard: each notification (GET /__mock/notifications) with
// its attempt timeline, transport errors in plain words, the fields as sent, and Redeliver
// (POST /__mock/notifications/{id}/redeliver).

import {
  api, badge, dash, empty, h, keptDetails, mono, orDash, snippet, table, time,
} from '/__mock/ui/dom.js';
import { notificationAnchor } from '/__mock/ui/orders.js';
import { plainError } from '/__mock/ui/transport.js';

const $ = (id) => document.getElementById(id);

// How the page runs an action, and what the reader unfolded (kept across redraws).
const page = { act: null, fields: new Set(), raw: new Set() };

export function wireNotifications(act) {
  page.act = act;
}

// The fields as the merchant receives them; a form `resource` is a JSON string, shown parsed.
function payloadFields(payload) {
  const rows = [];
  for (const [k, v] of Object.entries(payload || {})) {
    let value = v;
    if (k === 'resource' && typeof v === 'string') {
      try { value = JSON.parse(v); } catch (_) { value = v; }
    }
    if (value && typeof value === 'object') {
      rows.push(h('dt', {}, k), h('dd', {}, h('dl', { class: 'fields nested' },
        Object.entries(value).map(([rk, rv]) => [h('dt', {}, rk), h('dd', {}, typeof rv === 'string' ? rv : JSON.stringify(rv))]))));
    } else {
      rows.push(h('dt', {}, k), h('dd', {}, String(value)));
    }
  }
  return h('dl', { class: 'fields' }, rows);
}

// The error cell: the fault that acted, then the error in plain words with the recorded text
// in its tooltip and one click away.
function problemCell(id, t) {
  const error = plainError(t);
  const parts = [t.fault ? badge(`fault ${t.fault}`, 'fault') : null];
  if (error) {
    parts.push(h('span', { class: 'plain', title: error.raw, 'data-testid': 'attempt-error' }, error.text));
    if (error.text !== error.raw) {
      parts.push(keptDetails(page.raw, `${id}#${t.n}`, 'as recorded',
        h('code', { class: 'raw', 'data-testid': 'attempt-error-raw' }, error.raw)));
    }
  }
  return h('td', { class: 'problem' }, parts.some(Boolean) ? parts : dash());
}

function attemptRow(id, t) {
  return h('tr', {
    'data-testid': 'attempt',
    dataset: { n: t.n, outcome: t.outcome, httpStatus: t.httpStatus === null ? '' : t.httpStatus },
  },
  h('td', { class: 'mono' }, `#${t.n}`),
  h('td', {}, t.trigger === 'schedule' ? h('span', { class: 'muted' }, t.trigger) : t.trigger),
  h('td', {}, time(t.scheduledAt)),
  h('td', {}, time(t.sentAt)),
  h('td', { class: 'num' }, orDash(t.httpStatus)),
  h('td', {}, badge(t.outcome, t.outcome, 'attempt-outcome')),
  h('td', { class: 'num' }, t.durationMs),
  h('td', { class: 'body' }, orDash(t.responseBody, (b) => mono(snippet(b, 60), b))),
  problemCell(id, t));
}

// The head line of a netpay notification, which has no `summary`: what it says of which order.
function netpaySummary(p) {
  if (!p) return null;
  if (p.billNo) return [p.billStatus, p.billNo].filter(Boolean).join(' · ');
  if (p.merOrderId) return [p.status, p.merOrderId, p.refundOrderId].filter(Boolean).join(' · ');
  return null;
}

// What the flash line says of a redelivery: the attempt's outcome, and its error in plain words.
function redelivered(id, r) {
  const last = r.attempts[r.attempts.length - 1];
  const error = plainError(last);
  return `Redelivered ${id}: attempt #${last.n} ${last.outcome}${error ? ` — ${error.text}` : ''}`;
}

function notificationCard(n) {
  const flags = [
    n.awaitingCallbackUrl ? badge('awaitingCallbackUrl', 'pending') : null,
    n.heldByFault ? badge(`heldByFault ${n.heldByFault}`, 'fault') : null,
    n.delayedByFault ? badge(`delayedByFault ${n.delayedByFault}`, 'fault') : null,
  ];
  const summary = n.payload && (n.payload.summary || netpaySummary(n.payload));
  return h('article', {
    class: `notification ${n.status}`,
    id: notificationAnchor(n.id),
    'data-testid': 'notification',
    dataset: { id: n.id, status: n.status },
  },
    h('div', { class: 'n-head' },
      mono(n.id, 'id'),
      badge(n.status, n.status, 'notification-status'),
      h('span', { class: 'event' }, n.eventType),
      summary ? h('span', { class: 'summary' }, summary) : null,
      flags,
      h('span', { class: 'spacer' }),
      h('button', {
        type: 'button',
        'data-testid': 'redeliver-button',
        title: 'POST /__mock/notifications/{id}/redeliver — one more attempt now, same id',
        onclick: (ev) => page.act(ev.currentTarget, async () => {
          const r = await api('POST', `/notifications/${encodeURIComponent(n.id)}/redeliver`, {});
          return redelivered(n.id, r);
        }),
      }, 'Redeliver 重发')),
    h('div', { class: 'n-meta' },
      h('span', {}, h('b', {}, 'appId '), mono(n.appId)),
      h('span', {}, h('b', {}, 'openId '), mono(n.openId)),
      h('span', {}, h('b', {}, 'createdAt '), time(n.createdAt)),
      h('span', {}, h('b', {}, 'nextAttemptAt '), time(n.nextAttemptAt)),
      h('span', {}, h('b', {}, 'giveUpAt '), time(n.giveUpAt)),
      n.callbackUrl ? h('span', {}, h('b', {}, 'callbackUrl '), mono(n.callbackUrl)) : null),
    n.attempts.length
      ? table(['attempt', 'trigger', 'scheduledAt', 'sentAt', 'httpStatus', 'outcome', 'durationMs', 'responseBody', 'fault / error'],
        n.attempts.map((t) => attemptRow(n.id, t)), 'attempts')
      : empty(n.awaitingCallbackUrl ? 'No attempt yet: neither the app nor the notification has a callbackUrl (set one in the apps panel).' : 'No attempt yet.'),
    keptDetails(page.fields, n.id, `Fields as sent (${n.contentType})`, payloadFields(n.payload)));
}

// `{notifications, limit}`.
export function renderNotifications({ notifications, limit }) {
  const list = notifications || [];
  $('notifications-count').textContent = list.length >= limit ? `newest ${limit}` : list.length;
  $('notifications-body').replaceChildren(list.length
    ? h('div', { class: 'notification-list' }, list.map(notificationCard))
    : empty('No notifications yet: every Pay Score open and close, payment, refund and paid bill sends one to the app’s callbackUrl.'));
}
