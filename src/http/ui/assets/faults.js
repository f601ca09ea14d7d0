// The faults panel of the dashboard: every fault (GET /__mock/faults) with its hits and what
// remains of it, Delete (DELETE /__mock/faults/{id}), Delete all, and a form that adds a fault
// (POST /__mock/faults) showing only the fields its target and action take.

import { ApiError, api, badge, dash, empty, fillAppSelect, h, mono, orDash, table } from '/__mock/ui/dom.js';

const $ = (id) => document.getElementById(id);

const page = { act: null };

// What each target can do, the first one the default.
const ACTIONS = {
  token: ['error', 'delay'],
  gateway: ['error', 'delay'],
  notification: ['drop', 'duplicate', 'tamperSign', 'outOfOrder', 'delay'],
};

// Which fields of the form a target and action take.
function wanted(target, action) {
  return {
    path: target === 'gateway',
    httpStatus: action === 'error',
    errCode: action === 'error',
    errMsg: action === 'error',
    delayMs: action === 'delay' && target !== 'notification',
    delaySeconds: action === 'delay' && target === 'notification',
  };
}

// Shows the actions of the chosen target and the fields of the chosen action.
function reshape() {
  const target = $('fault-target').value;
  const select = $('fault-action');
  const chosen = select.value;
  select.replaceChildren(...ACTIONS[target].map((a) => h('option', { value: a, selected: a === chosen }, a)));
  for (const [field, on] of Object.entries(wanted(target, select.value))) {
    $(`fault-${field}`).closest('label').hidden = !on;
  }
}

// The spec the form describes; empty fields are left out for the sandbox's defaults.
function spec() {
  const target = $('fault-target').value;
  const action = $('fault-action').value;
  const body = { target, action };
  const appId = $('fault-app').value;
  if (appId) body.appId = appId;
  const number = (field) => {
    const raw = $(`fault-${field}`).value.trim();
    if (!raw) return;
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new ApiError(0, 'VALIDATION_FAILED', `${field} must be a number`);
    body[field] = n;
  };
  const text = (field) => {
    const raw = $(`fault-${field}`).value.trim();
    if (raw) body[field] = raw;
  };
  for (const [field, on] of Object.entries(wanted(target, action))) {
    if (!on) continue;
    if (['path', 'errCode', 'errMsg'].includes(field)) text(field);
    else number(field);
  }
  number('times');
  number('probability');
  text('description');
  return body;
}

// "TARGET_FAIL (200) · path /v1/netpay/*": what the fault does besides its action.
function params(f) {
  const parts = [
    f.path ? ['path', f.path] : null,
    f.httpStatus !== null ? ['httpStatus', f.httpStatus] : null,
    f.errCode !== null ? ['errCode', f.errCode] : null,
    f.errMsg !== null ? ['errMsg', f.errMsg] : null,
    f.delayMs !== null ? ['delayMs', f.delayMs] : null,
    f.delaySeconds !== null ? ['delaySeconds', f.delaySeconds] : null,
    f.probability !== null ? ['probability', f.probability] : null,
  ].filter(Boolean);
  return parts.length
    ? h('div', { class: 'chips' }, parts.map(([k, v]) => h('span', { class: 'chip' }, h('b', {}, k), ' ', String(v))))
    : dash();
}

function row(f) {
  const spent = f.remaining === 0;
  return h('tr', { 'data-testid': 'fault-row', dataset: { id: f.id, target: f.target, action: f.action } },
    h('td', {}, mono(f.id)),
    h('td', {}, mono(f.target)),
    h('td', {}, mono(f.action)),
    h('td', {}, orDash(f.appId, (id) => mono(`${id.slice(0, 12)}…`, id))),
    h('td', {}, params(f)),
    h('td', { class: 'num', 'data-testid': 'fault-remaining' },
      spent ? badge('spent', 'closed') : f.remaining === null ? h('span', { title: 'until deleted' }, '∞') : f.remaining),
    h('td', { class: 'num', 'data-testid': 'fault-hits' }, f.hits),
    h('td', {}, orDash(f.description)),
    h('td', { class: 'actions' }, h('button', {
      type: 'button',
      class: 'danger',
      'data-testid': 'fault-delete',
      title: 'DELETE /__mock/faults/{id} — what it held back goes out',
      onclick: (ev) => page.act(ev.currentTarget, async () => {
        await api('DELETE', `/faults/${encodeURIComponent(f.id)}`);
        return `Deleted fault ${f.id}`;
      }),
    }, 'Delete 删除')));
}

// `{faults, apps, appId}`: the faults that can act on the app chosen in the toolbar (its own
// and those of every app), or all of them.
export function renderFaults({ faults, apps, appId }) {
  fillAppSelect($('fault-app'), apps, 'every app');
  const list = (faults || []).filter((f) => !appId || !f.appId || f.appId === appId);
  $('faults-count').textContent = list.length;
  $('faults-clear').hidden = !list.length;
  $('faults-body').replaceChildren(list.length
    ? table(['id', 'target', 'action', 'appId', 'parameters', 'remaining', 'hits', 'description', ''], list.map(row), 'faults')
    : empty('No faults: the token endpoint, the gateway and deliveries behave. Add one above to script a failure.'));
}

export function wireFaults(act) {
  page.act = act;
  $('fault-target').addEventListener('change', reshape);
  $('fault-action').addEventListener('change', reshape);
  reshape();
  $('fault-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    act($('fault-add'), async () => {
      const f = await api('POST', '/faults', spec());
      return `Added fault ${f.id}: ${f.target} ${f.action}${f.remaining === null ? '' : ` × ${f.remaining}`}`;
    });
  });
  $('faults-clear').addEventListener('click', (ev) => {
    if (!window.confirm('Delete every fault? What they hold back goes out.')) return;
    act(ev.currentTarget, async () => {
      await api('DELETE', '/faults');
      return 'Deleted every fault';
    });
  });
}
