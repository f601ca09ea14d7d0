// The clocks panel of the dashboard: every clock (GET /__mock/clocks) with the apps on it and
// Freeze / Run (PUT /__mock/clocks/{id}), a form that advances any one of them (POST
// /__mock/clocks/{id}/advance), one that sets its time (PUT /__mock/clocks/{id}) and one that
// creates a clock (POST /__mock/clocks).

import { ApiError, api, badge, empty, h, mono, orDash, table, time } from '/__mock/ui/dom.js';

const $ = (id) => document.getElementById(id);

// "offsetSeconds 3600 (+1.0 h from wall time)".
export function offsetText(s) {
  const abs = Math.abs(s);
  const human = abs >= 86400 ? `${(abs / 86400).toFixed(1)} d` : abs >= 3600 ? `${(abs / 3600).toFixed(1)} h` : `${abs} s`;
  return `${s < 0 ? '−' : '+'}${human}`;
}

const byId = (id) => `/clocks/${encodeURIComponent(id)}`;

// Stops a running clock where it stands, or lets a frozen one run on from its time.
function freezeButton(c) {
  return h('button', {
    type: 'button',
    'data-testid': 'clock-freeze-button',
    title: `PUT /__mock/clocks/{id} {"frozen": ${!c.frozen}} — ${c.frozen ? 'time runs on from here' : 'time stands still until advanced'}`,
    onclick: (ev) => page.act(ev.currentTarget, async () => {
      const r = await api('PUT', byId(c.id), { frozen: !c.frozen });
      return `${c.id} ${r.frozen ? 'frozen' : 'running'} at ${r.now}`;
    }),
  }, c.frozen ? 'Run 运行' : 'Freeze 冻结');
}

// The table of clocks; `apps` says which apps are on each.
export function renderClocks({ clocks, apps }) {
  const list = clocks || [];
  $('clocks-count').textContent = list.length;
  const onClock = new Map();
  for (const a of apps || []) {
    const id = a.clock || 'default';
    onClock.set(id, [...(onClock.get(id) || []), a]);
  }
  const rows = list.map((c) => {
    const on = onClock.get(c.id) || [];
    return h('tr', { 'data-testid': 'clock-row', dataset: { clockId: c.id, frozen: String(c.frozen) } },
      h('td', {}, mono(c.id)),
      h('td', { class: 'name' }, orDash(c.name)),
      h('td', { 'data-testid': 'clock-row-now' }, time(c.now)),
      h('td', {}, badge(c.frozen ? 'frozen 冻结' : 'running 运行', c.frozen ? 'frozen' : 'running', 'clock-row-state')),
      h('td', { class: 'num', title: `${offsetText(c.offsetSeconds)} from wall time` }, c.offsetSeconds),
      h('td', { class: 'num', title: on.map((a) => `${a.name} · ${a.appId}`).join('\n') }, on.length),
      h('td', { class: 'actions' }, h('div', { class: 'row-actions' }, freezeButton(c), c.id !== 'default' && !on.length ? h('button', {
        type: 'button',
        'data-testid': 'clock-delete-button',
        title: 'DELETE /__mock/clocks/{id} — no app is on it',
        onclick: (ev) => page.act(ev.currentTarget, async () => {
          await api('DELETE', `/clocks/${encodeURIComponent(c.id)}`);
          return `Deleted clock ${c.id}`;
        }),
      }, 'Delete 删除') : null)));
  });
  $('clocks-body').replaceChildren(rows.length
    ? table(['id', 'name', 'now', 'state', 'offsetSeconds', 'apps', ''], rows)
    : empty('No clocks.'));
}

// The clocks the advance and set forms offer, keeping the ones chosen.
export function renderClockChoices({ clocks }) {
  for (const select of [$('clock-advance-id'), $('clock-set-id')]) {
    const chosen = select.value || 'default';
    select.replaceChildren(...(clocks || []).map((c) => h('option', { value: c.id, selected: c.id === chosen },
      c.name ? `${c.id} · ${c.name}` : c.id)));
  }
}

// How the page runs an action (buttons disabled meanwhile, errors in the banner), given by
// wireClocks.
const page = { act: null };

// Wires the forms; `act` runs an action the way the rest of the page does.
export function wireClocks(act) {
  page.act = act;
  $('clock-advance-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const id = $('clock-advance-id').value;
    const seconds = Number($('clock-advance-seconds').value);
    act($('clock-advance-button'), async () => {
      if (!Number.isFinite(seconds) || seconds < 0) throw new ApiError(0, 'VALIDATION_FAILED', 'seconds must be a number ≥ 0');
      const r = await api('POST', `${byId(id)}/advance`, { seconds });
      return `Advanced ${id} by ${seconds} s → ${r.now}: ${r.attempts} attempt(s) made, ${r.exhausted} exhausted`;
    });
  });
  $('clock-set-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const id = $('clock-set-id').value;
    const now = $('clock-set-now').value.trim();
    act($('clock-set-button'), async () => {
      const r = await api('PUT', byId(id), { now });
      return `Set ${id} to ${r.now} (${r.frozen ? 'frozen' : 'running'}): what became due goes out at once, together`;
    });
  });
  $('clock-create-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = {};
    const name = $('clock-create-name').value.trim();
    const now = $('clock-create-now').value.trim();
    if (name) body.name = name;
    if (now) body.now = now;
    if ($('clock-create-frozen').checked) body.frozen = true;
    act($('clock-create-button'), async () => {
      const c = await api('POST', '/clocks', body);
      $('clock-create-name').value = '';
      return `Created clock ${c.id}${c.name ? ` (${c.name})` : ''} at ${c.now}; apps join it with "clock": "${c.id}"`;
    });
  });
}
