// The chinaums-mock dashboard: polls the JSON control API under /__mock and renders it. Each
// panel lives in a file of its own; this one polls, runs actions and reports their outcome.

import { ApiError, api } from '/__mock/ui/dom.js';
import { renderApps, renderAuthorizations, wireApps } from '/__mock/ui/apps.js';
import {
  offsetText, renderClockChoices, renderClocks, wireClocks,
} from '/__mock/ui/clocks.js';
import { renderFaults, wireFaults } from '/__mock/ui/faults.js';
import { renderJournal } from '/__mock/ui/journal.js';
import { renderNotifications, wireNotifications } from '/__mock/ui/notifications.js';
import {
  notedBy, renderBills, renderOrders, wireOrders,
} from '/__mock/ui/orders.js';
import { renderStubs, wireStubs } from '/__mock/ui/stubs.js';
import { renderTokens } from '/__mock/ui/tokens.js';

const POLL_MS = 1000;
const LIMIT = 50;

const ui = {
  rendered: {}, // section → JSON last rendered, so unchanged data leaves the DOM alone
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
  $('flash').textContent = text;
  $('flash').title = text;
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

// ---------- the default clock, in the top bar ----------

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
    const [clock, clocks, apps, auths, notes, reqs, orders, bills, tokens, faults, stubs] = await Promise.all([
      api('GET', '/clock'),
      api('GET', '/clocks'),
      api('GET', '/apps'),
      api('GET', `/payscore/authorizations?${byApp}`),
      api('GET', `/notifications?${byApp}limit=${LIMIT}`),
      api('GET', `/requests?${byApp}limit=${LIMIT}`),
      api('GET', `/orders?${byApp}limit=${LIMIT}`),
      api('GET', `/bills?${byApp}limit=${LIMIT}`),
      api('GET', `/tokens?${byApp}limit=${LIMIT}`),
      api('GET', '/faults'),
      api('GET', '/stubs'),
    ]);
    update('clock', clock, renderClock);
    update('apps', apps, renderApps);
    update('clocks', { clocks: clocks.clocks, apps: apps.apps }, renderClocks);
    update('clock-choices', { clocks: clocks.clocks.map((c) => ({ id: c.id, name: c.name })) }, renderClockChoices);
    update('tokens', { ...tokens, apps: apps.apps, limit: LIMIT }, renderTokens);
    update('authorizations', auths, renderAuthorizations);
    update('orders', {
      orders: orders.orders, dropped: orders.dropped, limit: LIMIT, noted: notedBy(orders.orders, notes.notifications),
    }, renderOrders);
    update('bills', { bills: bills.bills, limit: LIMIT, noted: notedBy(bills.bills, notes.notifications) }, renderBills);
    update('notifications', { notifications: notes.notifications, limit: LIMIT }, renderNotifications);
    update('faults', { faults: faults.faults, apps: apps.apps, appId: app }, renderFaults);
    update('stubs', { stubs: stubs.stubs, appId: app }, renderStubs);
    update('journal', { requests: reqs.requests, limit: LIMIT }, renderJournal);
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

// The panel links scroll without touching the URL, whose fragment may hold the admin token.
function wireNav() {
  for (const link of document.querySelectorAll('#panel-nav a')) {
    link.addEventListener('click', (ev) => {
      ev.preventDefault();
      const panel = $(link.getAttribute('href').slice(1));
      if (panel) panel.scrollIntoView({ behavior: 'smooth', block: 'start' });
    });
  }
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
  wireApps(act);
  wireClocks(act);
  wireOrders(act);
  wireNotifications(act);
  wireFaults(act);
  wireStubs(act);
  wireNav();
  $('error-dismiss').addEventListener('click', hideError);
  $('live-toggle').addEventListener('change', refresh);
  $('app-filter').addEventListener('change', () => {
    ui.rendered = {};
    refresh();
  });
  refresh();
});
