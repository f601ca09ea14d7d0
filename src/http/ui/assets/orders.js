// The orders and QR bills panels of the dashboard: the netpay orders merchants created through
// the gateway, with their refunds (GET /__mock/orders), and the QR bills (GET /__mock/bills).
// Each row has the payer's actions (POST /__mock/orders/{merOrderId}/pay, …/bills/{billNo}/pay)
// and the back office's refund (POST /__mock/orders/{merOrderId}/refund).

import { ApiError, api, badge, dash, empty, h, mono, orDash, time } from '/__mock/ui/dom.js';

const $ = (id) => document.getElementById(id);

// How the page runs an action, given by wireOrders; the refund amounts typed and not sent yet,
// kept across redraws.
const page = { act: null, drafts: new Map() };

// Wires the panels; `act` runs an action the way the rest of the page does.
export function wireOrders(act) {
  page.act = act;
}

// 288 → "¥2.88": amounts are whole fen on the wire.
export function yuan(fen) {
  const n = Number(fen) || 0;
  return `¥${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
}

// The element ids the panels' links jump to.
export const notificationAnchor = (id) => `notification-${id}`;
const orderAnchor = (appId, merOrderId) => `order-${appId}-${merOrderId}`;

// Scrolls to an entry of the page and marks it for a moment; the URL (which may carry the admin
// token in its fragment) stays as it is.
function jump(ev, anchor) {
  ev.preventDefault();
  const el = $(anchor);
  if (!el) return;
  el.scrollIntoView({ behavior: 'smooth', block: 'center' });
  el.classList.remove('target');
  void el.offsetWidth; // restart the highlight when the same entry is picked twice
  el.classList.add('target');
  setTimeout(() => el.classList.remove('target'), 1600);
}

// What the panels need of the notifications panel: the status and kind of each notification
// they name that the panel shows (newest 50, narrowed by the app menu).
export function notedBy(items, notifications) {
  const named = new Set(items.flatMap((i) => i.notifications || []));
  const noted = {};
  for (const n of notifications || []) {
    if (named.has(n.id)) noted[n.id] = { status: n.status, eventType: n.eventType };
  }
  return noted;
}

// The notifications an order or a bill caused: links to the notifications panel where it has
// them, the bare id otherwise.
function notificationLinks(ids, noted) {
  if (!ids || !ids.length) return dash();
  return h('ul', { class: 'notes' }, ids.map((id) => {
    const n = noted[id];
    if (!n) {
      return h('li', {}, mono(id, 'Not in the notifications panel (another app is chosen, or it is older than the newest 50): GET /__mock/notifications/' + id));
    }
    return h('li', {},
      h('a', {
        href: `#${notificationAnchor(id)}`,
        class: 'mono',
        title: `${n.eventType}: show it in the notifications panel`,
        'data-testid': 'notification-link',
        dataset: { id, eventType: n.eventType },
        onclick: (ev) => jump(ev, notificationAnchor(id)),
      }, id),
      ' ', badge(n.status, n.status));
  }));
}

// "totalAmount 288" shown as the wire's fen and in yuan.
function money(fen, testid) {
  if (fen === null || fen === undefined) return h('td', { class: 'num' }, dash());
  return h('td', { class: 'num money', 'data-testid': testid }, mono(String(fen), `${fen} fen`), h('div', { class: 'muted small' }, yuan(fen)));
}

const statusKind = (s) => s.toLowerCase();
const unpaid = (o) => o.status === 'NEW_ORDER' || o.status === 'WAIT_BUYER_PAY';

// Fen refunded so far, failed refunds left out (the order's `refunded()`).
function refunded(o) {
  return (o.refunds || []).filter((r) => r.refundStatus !== 'FAIL').reduce((sum, r) => sum + r.refundAmount, 0);
}

// Fen that can still be refunded: paid less refunded, 0 unless paid.
function refundable(o) {
  return o.status === 'TRADE_SUCCESS' || o.status === 'TRADE_REFUND' ? Math.max(0, o.totalAmount - refunded(o)) : 0;
}

const byNumber = (kind, number) => `/${kind}/${encodeURIComponent(number)}`;

function button(label, testid, title, run, cls) {
  return h('button', {
    type: 'button',
    class: cls,
    'data-testid': testid,
    title,
    onclick: (ev) => page.act(ev.currentTarget, run),
  }, label);
}

function payButtons(o) {
  return [
    button('Pay 支付', 'order-pay-button', 'POST /__mock/orders/{merOrderId}/pay — the payer pays: TRADE_SUCCESS and the payment notification', async () => {
      const r = await api('POST', `${byNumber('orders', o.merOrderId)}/pay`, { appId: o.appId });
      return `Paid ${o.merOrderId} → ${r.order.status}${r.notification ? `, notification ${r.notification.id}` : ''}`;
    }),
    button('Fail 失败', 'order-fail-button', 'POST /__mock/orders/{merOrderId}/pay {"outcome":"fail"} — the payment fails and the order closes', async () => {
      const r = await api('POST', `${byNumber('orders', o.merOrderId)}/pay`, { appId: o.appId, outcome: 'fail' });
      return `Payment of ${o.merOrderId} failed → ${r.order.status}`;
    }, 'danger'),
  ];
}

function refundForm(o, left) {
  const key = `${o.appId} ${o.merOrderId}`;
  const input = h('input', {
    type: 'number',
    min: 1,
    max: left,
    step: 1,
    class: 'refund-amount',
    placeholder: `all ${left}`,
    'aria-label': 'refundAmount, fen (empty: all that is refundable)',
    title: 'refundAmount in fen; empty refunds all that is still refundable',
    'data-testid': 'refund-amount',
    oninput: (ev) => (ev.currentTarget.value ? page.drafts.set(key, ev.currentTarget.value) : page.drafts.delete(key)),
  });
  input.value = page.drafts.get(key) || '';
  const send = (ev) => {
    ev.preventDefault();
    page.act(ev.currentTarget.querySelector('button'), async () => {
      const body = { appId: o.appId };
      const raw = input.value.trim();
      if (raw) {
        const fen = Number(raw);
        if (!Number.isInteger(fen) || fen < 1) throw new ApiError(0, 'VALIDATION_FAILED', 'refundAmount must be a whole number of fen ≥ 1');
        body.refundAmount = fen;
      }
      const r = await api('POST', `${byNumber('orders', o.merOrderId)}/refund`, body);
      page.drafts.delete(key);
      const note = r.notification ? `, notification ${r.notification.id}` : '';
      return `Refunded ${r.refund.refundAmount} fen of ${o.merOrderId} (${r.refund.refundOrderId} ${r.refund.refundStatus}) → ${r.order.status}${note}`;
    });
  };
  return h('form', { class: 'refund-form', 'data-testid': 'refund-form', onsubmit: send },
    input, h('span', { class: 'muted' }, 'fen'),
    h('button', {
      type: 'submit',
      'data-testid': 'order-refund-button',
      title: 'POST /__mock/orders/{merOrderId}/refund — the merchant’s back office refunds (default: all that is refundable)',
    }, 'Refund 退款'));
}

function cashierLink(url, testid) {
  return h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', 'data-testid': testid, title: url }, 'cashier 收银台 ↗');
}

// The facts under an order's or a bill's row, as the wire names them.
function chips(pairs) {
  return h('div', { class: 'chips' }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => (
    v instanceof Node
      ? h('span', { class: 'chip' }, h('b', {}, k), ' ', v)
      : h('span', { class: 'chip', title: `${k}: ${v}` }, h('b', {}, k), ' ', String(v)))));
}

function refundRow(r) {
  return h('tr', { class: 'refund', 'data-testid': 'refund-row', dataset: { refundOrderId: r.refundOrderId, status: r.refundStatus } },
    h('td', { class: 'indent' }, h('span', { class: 'muted' }, '↳ refund '),
      mono(r.refundOrderId, `refundOrderId ${r.refundOrderId}\nrefundTargetOrderId ${r.refundTargetOrderId}`),
      r.refundDesc ? h('div', { class: 'small' }, r.refundDesc) : null),
    h('td', {}, badge(r.refundStatus, statusKind(r.refundStatus), 'refund-status')),
    h('td', {}),
    money(r.refundAmount, 'refund-amount-shown'),
    h('td', {}),
    h('td', { class: 'when' }, time(r.refundPayTime)),
    h('td', {}),
    h('td', {}));
}

function orderBody(o, noted) {
  const left = refundable(o);
  const done = refunded(o);
  const actions = [];
  if (unpaid(o)) actions.push(...payButtons(o));
  if (left > 0) actions.push(refundForm(o, left));
  return h('tbody', {
    class: 'order',
    id: orderAnchor(o.appId, o.merOrderId),
    'data-testid': 'order-row',
    dataset: { appId: o.appId, merOrderId: o.merOrderId, status: o.status },
  },
  h('tr', {},
    h('td', { class: 'number' }, mono(o.merOrderId), o.orderDesc ? h('div', { class: 'small' }, o.orderDesc) : null),
    h('td', {}, badge(o.status, statusKind(o.status), 'order-status')),
    money(o.totalAmount, 'order-total'),
    h('td', { class: 'num money', 'data-testid': 'order-refunded', title: `refundable ${left} fen` },
      done ? [mono(String(done)), h('div', { class: 'muted small' }, yuan(done))] : dash()),
    h('td', {}, orDash(o.targetSys, (s) => mono(s))),
    h('td', { class: 'when', 'data-testid': 'order-pay-time' }, time(o.payTime)),
    h('td', { 'data-testid': 'order-notifications' }, notificationLinks(o.notifications, noted)),
    h('td', { class: 'actions', rowspan: 2 }, actions.length ? h('div', { class: 'row-actions' }, actions) : null)),
  h('tr', { class: 'sub' },
    h('td', { colspan: 7 }, chips([
      ['appId', o.appId], ['path', o.path], ['instMid', o.instMid], ['buyerId', o.buyerId],
      ['billNo', o.billNo], ['notifyUrl', o.notifyUrl],
      ['cashierUrl', o.cashierUrl && unpaid(o) ? cashierLink(o.cashierUrl, 'order-cashier-link') : null],
    ]))),
  (o.refunds || []).map(refundRow));
}

// `{orders, dropped, noted}`: the list, how many the retention bound dropped, and notedBy().
export function renderOrders({ orders, dropped, noted, limit }) {
  const list = orders || [];
  $('orders-count').textContent = countText(list.length, limit, dropped);
  if (!list.length) {
    $('orders-body').replaceChildren(empty('No orders yet: a merchant creates them through the gateway (wx/unified-order, trade/create, h5-pay, …).'));
    return;
  }
  $('orders-body').replaceChildren(h('table', { class: 'orders' },
    h('thead', {}, h('tr', {}, ['merOrderId', 'status', 'totalAmount', 'refunded', 'targetSys', 'payTime', 'notifications', '']
      .map((c) => h('th', {}, c)))),
    list.map((o) => orderBody(o, noted || {}))));
}

function billRow(b, noted) {
  const open = b.billStatus === 'UNPAID';
  const actions = open ? [
    button('Pay 支付', 'bill-pay-button', 'POST /__mock/bills/{billNo}/pay — a payer scans and pays: PAID, its order and the bill notification', async () => {
      const r = await api('POST', `${byNumber('bills', b.billNo)}/pay`, { appId: b.appId });
      const order = r.order ? `, order ${r.order.merOrderId} ${r.order.status}` : '';
      return `Paid bill ${b.billNo} → ${r.bill.billStatus}${order}${r.notification ? `, notification ${r.notification.id}` : ''}`;
    }),
    button('Fail 失败', 'bill-fail-button', 'POST /__mock/bills/{billNo}/pay {"outcome":"fail"} — the payment fails; the bill stays unpaid', async () => {
      const r = await api('POST', `${byNumber('bills', b.billNo)}/pay`, { appId: b.appId, outcome: 'fail' });
      return `Payment of bill ${b.billNo} failed → ${r.bill.billStatus}`;
    }, 'danger'),
  ] : [];
  const order = b.merOrderId ? h('a', {
    href: `#${orderAnchor(b.appId, b.merOrderId)}`,
    class: 'mono',
    title: 'The order of its payment: show it in the orders panel (refund it there)',
    'data-testid': 'bill-order-link',
    onclick: (ev) => jump(ev, orderAnchor(b.appId, b.merOrderId)),
  }, b.merOrderId) : dash();
  return h('tbody', { class: 'bill', 'data-testid': 'bill-row', dataset: { appId: b.appId, billNo: b.billNo, status: b.billStatus } },
    h('tr', {},
      h('td', { class: 'number' }, mono(b.billNo), b.billDesc ? h('div', { class: 'small' }, b.billDesc) : null),
      h('td', {}, badge(b.billStatus, statusKind(b.billStatus), 'bill-status')),
      money(b.totalAmount, 'bill-total'),
      h('td', {}, mono(b.billDate)),
      h('td', {}, order),
      h('td', { 'data-testid': 'bill-notifications' }, notificationLinks(b.notifications, noted)),
      h('td', { class: 'actions', rowspan: 2 }, actions.length ? h('div', { class: 'row-actions' }, actions) : null)),
    h('tr', { class: 'sub' },
      h('td', { colspan: 6 }, chips([
        ['appId', b.appId], ['instMid', b.instMid], ['qrCodeId', b.qrCodeId],
        ['billQRCode', cashierLink(b.billQRCode, 'bill-qr-link')], ['notifyUrl', b.notifyUrl],
      ]))));
}

// `{bills, dropped, noted}`, as renderOrders.
export function renderBills({ bills, noted, limit }) {
  const list = bills || [];
  $('bills-count').textContent = countText(list.length, limit, 0);
  $('bills-body').replaceChildren(list.length
    ? h('table', { class: 'bills' },
      h('thead', {}, h('tr', {}, ['billNo', 'billStatus', 'totalAmount', 'billDate', 'order (merOrderId)', 'notifications', ''].map((c) => h('th', {}, c)))),
      list.map((b) => billRow(b, noted || {})))
    : empty('No QR bills yet: POST /v1/netpay/bills/get-qrcode makes one, its billQRCode the cashier page.'));
}

function countText(n, limit, dropped) {
  const shown = n >= limit ? `newest ${limit}` : String(n);
  return dropped ? `${shown} · ${dropped} dropped` : shown;
}
