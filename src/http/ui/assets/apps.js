// The apps and Pay Score panels of the dashboard: every app (GET /__mock/apps) with its notify
// and payer settings, a form that sets or removes an app's callback URL (PATCH
// /__mock/apps/{appId}), and the authorisations (GET /__mock/payscore/authorizations) with Open
// and Close.

import { ApiError, api, badge, empty, fillAppSelect, h, mono, orDash, table, time } from '/__mock/ui/dom.js';

const $ = (id) => document.getElementById(id);

// How the page runs an action, and the apps last drawn (the callback form reads their URLs).
const page = { act: null, apps: [], formApp: null };

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

// Puts an app's URL in the callback form, so the reader edits it there.
function editCallback(app) {
  $('callback-app').value = app.appId;
  page.formApp = app.appId;
  $('callback-url').value = app.callbackUrl || '';
  $('callback-url').focus();
}

function appBody(a) {
  return h('tbody', { class: 'app', 'data-testid': 'app-row', dataset: { appId: a.appId } },
    h('tr', {},
      h('td', {}, mono(a.appId)),
      h('td', { class: 'name' }, a.name),
      h('td', {}, mono(a.mid)),
      h('td', { 'data-testid': 'app-clock' }, mono(a.clock || 'default')),
      h('td', { class: 'url', 'data-testid': 'app-callback' }, orDash(a.callbackUrl, (u) => mono(u)), ' ',
        h('button', {
          type: 'button',
          class: 'link',
          'data-testid': 'callback-edit',
          title: 'Edit it in the callback URL form above',
          onclick: () => editCallback(a),
        }, 'edit')),
      h('td', { class: 'actions', rowspan: 2 }, h('button', {
        type: 'button',
        'data-testid': 'open-button',
        title: 'POST /__mock/payscore/open — a new user authorises Pay Score',
        onclick: (ev) => page.act(ev.currentTarget, async () => {
          const r = await api('POST', '/payscore/open', { appId: a.appId });
          return `Opened ${r.authorization.openId} → notification ${r.notification.id}`;
        }),
      }, 'Open 开通'))),
    h('tr', { class: 'sub' },
      h('td', { class: 'key' }, 'notify'),
      h('td', { colspan: 4 }, notifySummary(a.notify || {}, a.payer))));
}

// `{apps}`: the table, the app menus of the toolbar and of the callback form.
export function renderApps(data) {
  const apps = data.apps || [];
  page.apps = apps;
  $('apps-count').textContent = apps.length;
  fillAppSelect($('app-filter'), apps, 'all apps 全部');
  fillAppSelect($('callback-app'), apps, null);
  if ($('callback-app').value !== page.formApp) showCallback();
  if (!apps.length) {
    $('apps-body').replaceChildren(empty('No apps. POST /__mock/apps creates one.'));
    return;
  }
  // Two rows per app, so the notify settings get the whole width under the identifiers.
  $('apps-body').replaceChildren(h('table', { class: 'apps' },
    h('thead', {}, h('tr', {}, ['appId', 'name', 'mid', 'clock', 'callbackUrl', ''].map((c) => h('th', {}, c)))),
    apps.map(appBody)));
}

export function renderAuthorizations(data) {
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
      onclick: (ev) => page.act(ev.currentTarget, async () => {
        const r = await api('POST', '/payscore/close', { appId: a.appId, openId: a.openId });
        return `Closed ${a.openId} → notification ${r.notification.id}`;
      }),
    }, 'Close 解除') : null)));
  $('authorizations-body').replaceChildren(table(['appId', 'openId', 'authorizationCode', 'state', 'history', ''], rows));
}

// The URL of the app the callback form names, once it names another.
function showCallback() {
  page.formApp = $('callback-app').value;
  const app = page.apps.find((a) => a.appId === page.formApp);
  $('callback-url').value = (app && app.callbackUrl) || '';
}

// PATCHes the chosen app's callbackUrl (null removes it); notifications that waited go out.
function setCallback(button, url) {
  const appId = $('callback-app').value;
  page.act(button, async () => {
    if (!appId) throw new ApiError(0, 'VALIDATION_FAILED', 'choose an app first');
    const app = await api('PATCH', `/apps/${encodeURIComponent(appId)}`, { callbackUrl: url });
    return url ? `Callback URL of ${app.name} → ${app.callbackUrl}` : `Callback URL of ${app.name} removed: notifications wait for one`;
  });
}

export function wireApps(act) {
  page.act = act;
  $('callback-app').addEventListener('change', showCallback);
  $('callback-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const url = $('callback-url').value.trim();
    if (!url) {
      act(null, async () => { throw new ApiError(0, 'VALIDATION_FAILED', 'type a URL, or press Remove'); });
      return;
    }
    setCallback($('callback-set'), url);
  });
  $('callback-remove').addEventListener('click', (ev) => setCallback(ev.currentTarget, null));
  // The built-in merchant: it acknowledges every delivery and checks its signature.
  $('callback-sink').addEventListener('click', () => {
    const appId = $('callback-app').value;
    if (appId) $('callback-url').value = `${location.origin}/__mock/sink/${appId}`;
  });
}
