// The chinaums-mock dashboard: polls the JSON control API under /__mock and renders it.

import {
  ApiError, api, badge, dash, empty, h, mono, orDash, snippet, table, time,
} from '/__mock/ui/dom.js';
import {
  offsetText, renderClockChoices, renderClocks, wireClocks,
} from '/__mock/ui/clocks.js';
import {
  notedBy, notificationAnchor, renderBills, renderOrders, wireOrders,
} from '/__mock/ui/orders.js';

const POLL_MS = 1000;
const LIMIT = 50;

const ui = {
  rendered: {}, // section → JSON last rendered, so unchanged data leaves the DOM alone
  openDetails: new Set(), // notification ids whose fields are unfolded
  pollError: false,
  timer: null,
  busy: false,
  again: false,
};

const $ = (id) => document.getElementById(id);

// ---------- errors and messages ----------

function showError(err, fromPoll) {
  ui.pollError = Boolean(fromPoll);
  $('error-code').textContent = err.code || 'ERROR';
  const status = err.status ? ` (HTTP ${err.status})` : '';
  $('error-message').textContent = `${err.message}${status}`;
  $('error-banner').hidden = false;
}

function hideError() {
  $('error-banner').hidden = true;
  ui.pollError = false;
}

function flash(text) {
  const el = $('flash');
  el.textContent = text;
}

// Runs a control action: buttons stay disabled meanwhile, errors go to the banner, and the page
// refreshes at once afterwards.
async function act(button, fn) {
  if (button) button.disabled = true;
  try {
    hideError();
    const message = await fn();
    if (message) flash(message);
  } catch (e) {
    showError(e, false);
  } finally {
    if (button) button.disabled = false;
    refresh();
  }
}

// ---------- sections ----------

function renderClock(clock) {
  $('clock-now').textContent = clock.now.replace('T', ' ').replace(/\+08:00$/, '');
  $('clock-now').setAttribute('datetime', clock.now);
  const frozen = $('clock-frozen');
  frozen.textContent = clock.frozen ? 'frozen 冻结' : 'running 运行';
  frozen.className = `badge ${clock.frozen ? 'frozen' : 'running'}`;
  frozen.dataset.frozen = String(clock.frozen);
  const s = clock.offsetSeconds;
  $('clock-offset').textContent = `offsetSeconds ${s} (${offsetText(s)} from wall time)`;
}

const chip = (k, v) => h('span', { class: 'chip', title: `${k}: ${JSON.stringify(v)}` }, h('b', {}, k), ' ', String(v));

// The app's notify settings, then its payer settings (what happens to orders no test touches).
function notifySummary(n, p) {
  const ladder = n.retrySchedule || [];
  return h('div', { class: 'chips' },
    chip('format', n.format), chip('signType', n.signType), chip('ack', n.ack),
    chip('timeoutMs', n.timeoutMs), chip('giveUpAfterSeconds', n.giveUpAfterSeconds),
    chip('retrySchedule', ladder.length > 6 ? `${ladder.slice(0, 6).join(',')},…` : ladder.join(',')),
    n.refundNotify === undefined ? null : chip('refundNotify', n.refundNotify),
    p && p.autoPaySeconds !== undefined ? chip('autoPaySeconds', `${p.autoPaySeconds} (${p.autoPayOutcome})`) : null,
    p && p.refundStatus === 'PROCESSING' ? chip('refundStatus', `PROCESSING, ${p.refundSettleSeconds} s`) : null,
    p ? chip('orderExpirySeconds', p.orderExpirySeconds) : null);
}

function renderApps(data) {
  const apps = data.apps || [];
  $('apps-count').textContent = apps.length;
  const filter = $('app-filter');
  const chosen = filter.value;
  filter.replaceChildren(h('option', { value: '' }, 'all apps 全部'),
    ...apps.map((a) => h('option', { value: a.appId, selected: a.appId === chosen }, `${a.name} · ${a.appId.slice(0, 8)}…`)));
  if (!apps.length) {
    $('apps-body').replaceChildren(empty('No apps. POST /__mock/apps creates one.'));
    return;
  }
  // Two rows per app, so the notify settings get the whole width under the identifiers.
  const bodies = apps.map((a) => h('tbody', { class: 'app', 'data-testid': 'app-row', dataset: { appId: a.appId } },
    h('tr', {},
      h('td', {}, mono(a.appId)),
      h('td', { class: 'name' }, a.name),
      h('td', {}, mono(a.mid)),
      h('td', { 'data-testid': 'app-clock' }, mono(a.clock || 'default')),
      h('td', { class: 'url' }, orDash(a.callbackUrl, (u) => mono(u))),
      h('td', { class: 'actions', rowspan: 2 }, h('button', {
        type: 'button',
        'data-testid': 'open-button',
        title: 'POST /__mock/payscore/open — a new user authorises Pay Score',
        onclick: (ev) => act(ev.currentTarget, async () => {
          const r = await api('POST', '/payscore/open', { appId: a.appId });
          return `Opened ${r.authorization.openId} → notification ${r.notification.id}`;
        }),
      }, 'Open 开通'))),
    h('tr', { class: 'sub' },
      h('td', { class: 'key' }, 'notify'),
      h('td', { colspan: 4 }, notifySummary(a.notify || {}, a.payer)))));
  $('apps-body').replaceChildren(h('table', { class: 'apps' },
    h('thead', {}, h('tr', {}, ['appId', 'name', 'mid', 'clock', 'callbackUrl', ''].map((c) => h('th', {}, c)))),
    bodies));
}

function renderAuthorizations(data) {
  const auths = data.authorizations || [];
  $('authorizations-count').textContent = auths.length;
  if (!auths.length) {
    $('authorizations-body').replaceChildren(empty('No authorisations yet: press “Open” on an app.'));
    return;
  }
  const rows = auths.map((a) => h('tr', { 'data-testid': 'authorization-row', dataset: { openId: a.openId, state: a.state } },
    h('td', {}, mono(a.appId.slice(0, 12) + '…', a.appId)),
    h('td', {}, mono(a.openId)),
    h('td', {}, mono(a.authorizationCode)),
    h('td', {}, badge(a.state, a.state.toLowerCase(), 'authorization-state')),
    h('td', {}, h('ol', { class: 'history' }, (a.history || []).map((e) => h('li', {},
      badge(e.state, e.state.toLowerCase()), ' ', time(e.at), ' ', orDash(e.notificationId, (id) => mono(id)))))),
    h('td', { class: 'actions' }, a.state === 'OPEN' ? h('button', {
      type: 'button',
      'data-testid': 'close-button',
      title: 'POST /__mock/payscore/close — the user revokes the authorisation',
      onclick: (ev) => act(ev.currentTarget, async () => {
        const r = await api('POST', '/payscore/close', { appId: a.appId, openId: a.openId });
        return `Closed ${a.openId} → notification ${r.notification.id}`;
      }),
    }, 'Close 解除') : null)));
  $('authorizations-body').replaceChildren(table(['appId', 'openId', 'authorizationCode', 'state', 'history', ''], rows));
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

function attemptRow(t) {
  const problem = [t.fault ? `fault ${t.fault}` : null, t.error].filter(Boolean).join(' · ');
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
  h('td', { class: 'problem' }, problem || dash()));
}

// The head line of a netpay notification, which has no `summary`: what it says of which order.
function netpaySummary(p) {
  if (!p) return null;
  if (p.billNo) return [p.billStatus, p.billNo].filter(Boolean).join(' · ');
  if (p.merOrderId) return [p.status, p.merOrderId, p.refundOrderId].filter(Boolean).join(' · ');
  return null;
}

function notificationCard(n) {
  const flags = [
    n.awaitingCallbackUrl ? badge('awaitingCallbackUrl', 'pending') : null,
    n.heldByFault ? badge(`heldByFault ${n.heldByFault}`, 'fault') : null,
    n.delayedByFault ? badge(`delayedByFault ${n.delayedByFault}`, 'fault') : null,
  ];
  const details = h('details', {
    open: ui.openDetails.has(n.id),
    ontoggle: (ev) => (ev.currentTarget.open ? ui.openDetails.add(n.id) : ui.openDetails.delete(n.id)),
  }, h('summary', {}, `Fields as sent (${n.contentType})`), payloadFields(n.payload));
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
        onclick: (ev) => act(ev.currentTarget, async () => {
          const r = await api('POST', `/notifications/${encodeURIComponent(n.id)}/redeliver`, {});
          const last = r.attempts[r.attempts.length - 1];
          return `Redelivered ${n.id}: attempt #${last.n} ${last.outcome}`;
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
        n.attempts.map(attemptRow), 'attempts')
      : empty(n.awaitingCallbackUrl ? 'No attempt yet: neither the app nor the notification has a callbackUrl.' : 'No attempt yet.'),
    details);
}

function renderNotifications(data) {
  const list = data.notifications || [];
  $('notifications-count').textContent = list.length >= LIMIT ? `newest ${LIMIT}` : list.length;
  $('notifications-body').replaceChildren(list.length
    ? h('div', { class: 'notification-list' }, list.map(notificationCard))
    : empty('No notifications yet: every Pay Score open and close, payment, refund and paid bill sends one to the app’s callbackUrl.'));
}

function renderJournal(data) {
  const list = data.requests || [];
  $('journal-count').textContent = list.length >= LIMIT ? `newest ${LIMIT}` : list.length;
  if (!list.length) {
    $('journal-body').replaceChildren(empty('No gateway requests yet (token and business calls are listed here).'));
    return;
  }
  const rows = list.map((r) => h('tr', { 'data-testid': 'journal-row', dataset: { path: r.path, outcome: r.outcome } },
    h('td', {}, time(r.at)),
    h('td', {}, mono(r.method)),
    h('td', { class: 'path' }, mono(r.query ? `${r.path}?${snippet(r.query, 40)}` : r.path, r.query ? `${r.path}?${r.query}` : r.path)),
    h('td', {}, orDash(r.appId, (id) => mono(`${id.slice(0, 12)}…`, id))),
    h('td', {}, r.auth.scheme ? h('div', { class: 'muted mono small' }, r.auth.scheme) : null,
      badge(r.auth.verdict, r.auth.verdict, 'journal-verdict'),
      r.auth.reason ? h('div', { class: 'reason' }, r.auth.reason) : null,
      ...(r.hints || []).map((hint) => h('div', { class: 'muted small' }, hint))),
    h('td', { class: 'num' }, r.response.status),
    h('td', {}, orDash(r.response.errCode, (c) => mono(c))),
    h('td', {}, mono(r.response.answeredBy)),
    h('td', {}, badge(r.outcome, r.outcome === 'ok' ? 'delivered' : 'rejected', 'journal-outcome')),
    h('td', { class: 'num' }, r.durationMs)));
  $('journal-body').replaceChildren(table(
    ['at', 'method', 'path', 'appId', 'auth (verdict · reason)', 'status', 'errCode', 'answeredBy', 'outcome', 'durationMs'], rows));
}

// ---------- polling ----------

function update(key, data, render) {
  const text = JSON.stringify(data);
  if (ui.rendered[key] === text) return;
  ui.rendered[key] = text;
  render(data);
}

function setLive(text, kind) {
  const el = $('live-status');
  el.textContent = text;
  el.className = `live-status ${kind}`;
}

async function poll() {
  if (ui.busy) {
    ui.again = true; // an action finished mid-poll: fetch once more when this one ends
    return;
  }
  ui.busy = true;
  const app = $('app-filter').value;
  const byApp = app ? `appId=${encodeURIComponent(app)}&` : '';
  try {
    const [clock, clocks, apps, auths, notes, reqs, orders, bills] = await Promise.all([
      api('GET', '/clock'),
      api('GET', '/clocks'),
      api('GET', '/apps'),
      api('GET', `/payscore/authorizations?${byApp}`),
      api('GET', `/notifications?${byApp}limit=${LIMIT}`),
      api('GET', `/requests?${byApp}limit=${LIMIT}`),
      api('GET', `/orders?${byApp}limit=${LIMIT}`),
      api('GET', `/bills?${byApp}limit=${LIMIT}`),
    ]);
    update('clock', clock, renderClock);
    update('apps', apps, renderApps);
    update('clocks', { clocks: clocks.clocks, apps: apps.apps }, renderClocks);
    update('clock-choices', { clocks: clocks.clocks.map((c) => ({ id: c.id, name: c.name })) }, renderClockChoices);
    update('authorizations', auths, renderAuthorizations);
    update('orders', {
      orders: orders.orders, dropped: orders.dropped, limit: LIMIT, noted: notedBy(orders.orders, notes.notifications),
    }, renderOrders);
    update('bills', { bills: bills.bills, limit: LIMIT, noted: notedBy(bills.bills, notes.notifications) }, renderBills);
    update('notifications', notes, renderNotifications);
    update('journal', reqs, renderJournal);
    if (ui.pollError) hideError();
    setLive($('live-toggle').checked ? '● live' : '❚❚ paused', $('live-toggle').checked ? 'ok' : 'paused');
  } catch (e) {
    showError(e, true);
    setLive('● offline', 'down');
  } finally {
    ui.busy = false;
    if (ui.again) {
      ui.again = false;
      setTimeout(poll, 0);
    }
  }
}

function schedule() {
  clearTimeout(ui.timer);
  if ($('live-toggle').checked) ui.timer = setTimeout(async () => { await poll(); schedule(); }, POLL_MS);
}

function refresh() {
  poll().then(schedule);
}

// ---------- wiring ----------

function advance(seconds, button) {
  act(button, async () => {
    const r = await api('POST', '/clock/advance', { seconds });
    return `Advanced ${seconds} s → ${r.now}: ${r.attempts} attempt(s) made, ${r.exhausted} exhausted`;
  });
}

document.addEventListener('DOMContentLoaded', () => {
  $('advance-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const seconds = Number($('advance-seconds').value);
    if (!Number.isFinite(seconds) || seconds < 0) {
      showError(new ApiError(0, 'VALIDATION_FAILED', 'seconds must be a number ≥ 0'), false);
      return;
    }
    advance(seconds, $('advance-button'));
  });
  for (const b of document.querySelectorAll('[data-advance]')) {
    b.addEventListener('click', () => advance(Number(b.dataset.advance), b));
  }
  $('reset-button').addEventListener('click', (ev) => {
    if (!window.confirm('Reset the sandbox to its fixtures? Apps, authorisations, orders, bills, notifications, faults, stubs, the journal and the clock all go back.')) return;
    act(ev.currentTarget, async () => {
      const r = await api('POST', '/reset');
      return `Reset: back to the fixtures (${r.apps} apps)`;
    });
  });
  wireClocks(act);
  wireOrders(act);
  $('error-dismiss').addEventListener('click', hideError);
  $('live-toggle').addEventListener('change', refresh);
  $('app-filter').addEventListener('change', () => {
    ui.rendered = {};
    refresh();
  });
  refresh();
});
