// The stubs panel of the dashboard: every stub in matching order (GET /__mock/stubs), Delete
// (DELETE /__mock/stubs/{id}), Delete all, and a box that adds a stub from its JSON
// (POST /__mock/stubs, the body as the README describes it).

import { ApiError, api, badge, dash, empty, h, mono, orDash, pretty, snippet, table } from '/__mock/ui/dom.js';

const $ = (id) => document.getElementById(id);

const page = { act: null };

// A stub to start from: the refund answers PROCESSING for one app.
const EXAMPLE = {
  method: 'POST',
  path: '/v1/netpay/refund',
  appId: '',
  responses: [{ status: 200, body: { errCode: 'SUCCESS', refundStatus: 'PROCESSING', merOrderId: '{{request.body.merOrderId}}' } }],
  times: 1,
  description: 'one refund stays PROCESSING',
};

// "bodyJson {…} · bodyContains x": what a request must hold besides its method and path.
function matching(s) {
  const parts = [
    s.appId ? ['appId', `${s.appId.slice(0, 12)}…`, s.appId] : null,
    s.bodyContains ? ['bodyContains', snippet(s.bodyContains, 30), s.bodyContains] : null,
    s.bodyJson ? ['bodyJson', snippet(JSON.stringify(s.bodyJson), 40), pretty(s.bodyJson)] : null,
  ].filter(Boolean);
  return parts.length
    ? h('div', { class: 'chips' }, parts.map(([k, v, all]) => h('span', { class: 'chip', title: all }, h('b', {}, k), ' ', v)))
    : dash();
}

// The answers in order ("200 → 200 …"), each body in its tooltip.
function answers(s) {
  return h('div', { class: 'chips' }, s.responses.map((r, i) => h('span', {
    class: 'chip',
    title: `${pretty(r.body)}${r.delayMs ? `\n(after ${r.delayMs} ms)` : ''}`,
  }, h('b', {}, `#${i + 1}`), ' ', String(r.status), r.body && r.body.errCode ? ` ${r.body.errCode}` : '')));
}

function row(s) {
  return h('tr', { 'data-testid': 'stub-row', dataset: { id: s.id, path: s.path } },
    h('td', {}, mono(s.id), s.fixture ? [' ', badge('fixture', 'none')] : null),
    h('td', {}, mono(s.method)),
    h('td', { class: 'path' }, mono(s.path)),
    h('td', {}, matching(s)),
    h('td', {}, answers(s)),
    h('td', { class: 'num' }, s.priority),
    h('td', { class: 'num', 'data-testid': 'stub-remaining' },
      s.remaining === 0 ? badge('spent', 'closed') : s.remaining === null ? h('span', { title: 'unlimited' }, '∞') : s.remaining),
    h('td', { class: 'num', 'data-testid': 'stub-hits' }, s.hits),
    h('td', {}, orDash(s.description)),
    h('td', { class: 'actions' }, h('button', {
      type: 'button',
      class: 'danger',
      'data-testid': 'stub-delete',
      title: 'DELETE /__mock/stubs/{id}',
      onclick: (ev) => page.act(ev.currentTarget, async () => {
        await api('DELETE', `/stubs/${encodeURIComponent(s.id)}`);
        return `Deleted stub ${s.id}`;
      }),
    }, 'Delete 删除')));
}

// `{stubs, appId}`: the stubs that can answer the app chosen in the toolbar, or all of them.
export function renderStubs({ stubs, appId }) {
  const list = (stubs || []).filter((s) => !appId || !s.appId || s.appId === appId);
  $('stubs-count').textContent = list.length;
  $('stubs-clear').hidden = !list.length;
  $('stubs-body').replaceChildren(list.length
    ? table(['id', 'method', 'path', 'matching', 'answers', 'priority', 'remaining', 'hits', 'description', ''], list.map(row), 'stubs')
    : empty('No stubs: authenticated calls go to the netpay simulation, or NO_SERVICE.'));
}

export function wireStubs(act) {
  page.act = act;
  $('stub-example').addEventListener('click', () => {
    const appId = $('app-filter').value;
    const example = { ...EXAMPLE, appId: appId || undefined };
    $('stub-json').value = JSON.stringify(example, null, 2);
  });
  $('stub-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    act($('stub-add'), async () => {
      let body;
      try {
        body = JSON.parse($('stub-json').value);
      } catch (e) {
        throw new ApiError(0, 'VALIDATION_FAILED', `the stub is not JSON: ${e.message}`);
      }
      const s = await api('POST', '/stubs', body);
      $('stub-json').value = '';
      return `Added stub ${s.id}: ${s.method} ${s.path}`;
    });
  });
  $('stubs-clear').addEventListener('click', (ev) => {
    if (!window.confirm('Delete every stub, the fixture ones too?')) return;
    act(ev.currentTarget, async () => {
      await api('DELETE', '/stubs');
      return 'Deleted every stub';
    });
  });
}
