// The tokens panel of the dashboard: the access tokens apps may still present
// (GET /__mock/tokens), newest first, each with its expiry by its app's clock.

import { badge, empty, h, mono, table, time } from '/__mock/ui/dom.js';

const $ = (id) => document.getElementById(id);

// "59 min 40 s", "2 h 5 min", "12 s".
export function duration(s) {
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${s} s`;
}

function row(t, names) {
  // The last minute is worth a mark: a call made with it now may arrive expired.
  const soon = t.expiresIn < 60;
  return h('tr', { 'data-testid': 'token-row', dataset: { appId: t.appId, token: t.accessToken } },
    h('td', {}, mono(t.accessToken)),
    h('td', {}, mono(`${t.appId.slice(0, 12)}…`, t.appId), names.has(t.appId) ? h('div', { class: 'small' }, names.get(t.appId)) : null),
    h('td', {}, time(t.issuedAt)),
    h('td', {}, time(t.expiresAt)),
    h('td', { class: 'num', 'data-testid': 'token-expires-in', title: `${t.expiresIn} s by the app's clock` },
      soon ? badge(duration(t.expiresIn), 'pending') : duration(t.expiresIn)));
}

// `{tokens, maxPerApp, apps, limit}`.
export function renderTokens({ tokens, maxPerApp, apps, limit }) {
  const list = tokens || [];
  const shown = list.length >= limit ? `newest ${limit}` : String(list.length);
  $('tokens-count').textContent = `${shown} · at most ${maxPerApp} per app`;
  const names = new Map((apps || []).map((a) => [a.appId, a.name]));
  $('tokens-body').replaceChildren(list.length
    ? table(['accessToken', 'appId', 'issuedAt', 'expiresAt', 'expiresIn'], list.map((t) => row(t, names)), 'tokens')
    : empty('No live tokens: POST /v1/token/access issues one (OPEN-ACCESS-TOKEN calls present it); they expire by their app’s clock.'));
}
