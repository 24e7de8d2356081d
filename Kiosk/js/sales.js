import { api, requireRole, esc, uuid } from './api.js';
import { langSwitch, t } from './i18n.js';
import { connectLive } from './live.js';

const me = requireRole('sales');
const $ = (id) => document.getElementById(id);
let guest = null;
let model = null;
let models = [];
let nonce = null;
let consultant = null;
let salesNames = [];
/** Guests with a valid order, and orders that have spun: marked in the lists. */
let ordered = new Set();
let spun = new Set();

// MARK: - Step 1: the customer (guests here now first; search for anyone else)

async function loadGuests() {
  const q = $('search').value.trim();
  let people;
  try {
    if (q) people = (await api(`/api/invitees?limit=12&q=${encodeURIComponent(q)}`)).items;
    else people = (await api('/api/checkins?limit=12')).map((a) => a.invitee);
  } catch (err) { $('guests').innerHTML = `<p class="error">${esc(err.message)}</p>`; return; }
  $('guests').innerHTML = people.map((p) => `
    <button type="button" data-id="${p.id}" data-name="${esc(p.name)}" data-model="${esc(p.model || '')}" data-consultant="${esc(p.consultant || '')}"
      class="${guest?.id === p.id ? 'chosen' : ''} ${ordered.has(p.id) ? 'ordered' : ''}">
      <strong>${esc(p.name)}${ordered.has(p.id) ? ` <span class="chip-ordered">${esc(t('已订车', 'ordered'))}</span>` : ''}</strong>
      <small>${esc(p.phone.slice(-4))} · ${esc(p.plate || '')} · ${esc(p.consultant || '')}</small></button>`).join('')
    || `<p class="muted">${esc(q ? t('没有找到', 'Nobody found') : t('还没有来宾签到，请搜索', 'Nobody checked in yet: search instead'))}</p>`;
}
let searchTimer;
$('search').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(loadGuests, 250); });
$('guests').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-id]');
  if (!b) return;
  guest = { id: Number(b.dataset.id), name: b.dataset.name };
  // Credited to the guest's own consultant unless the salesperson picks someone else.
  // The laptop takes only an active sales account as the consultant (issue 23), so a name from the guest list that
  // has no account is credited to whoever records the order.
  consultant = salesNames.includes(b.dataset.consultant) ? b.dataset.consultant : me.name;
  if (!model && b.dataset.model && models.includes(b.dataset.model)) model = b.dataset.model;
  nonce = uuid();
  [...$('guests').children].forEach((c) => c.classList.toggle('chosen', c === b));
  renderModels(); renderSummary();
});

// A customer who is not on the list (issue 24: only the API took one): typed in, checked by the laptop like an
// imported row when the order is confirmed, and added to the list with it.
$('nc-use').addEventListener('click', () => {
  const name = $('nc-name').value.trim(), phone = $('nc-phone').value.trim(), plate = $('nc-plate').value.trim();
  if (!name || !phone) { $('error').textContent = t('请填写新客户的姓名和手机', 'Give the new customer\'s name and mobile'); return; }
  $('error').textContent = '';
  guest = { id: null, name, customer: { name, phone, plate: plate || null } };
  consultant = me.name;
  nonce = uuid();
  [...$('guests').children].forEach((c) => c.classList.remove('chosen'));
  renderModels(); renderSummary();
});

// MARK: - Step 2: the model

function renderModels() {
  $('models').innerHTML = models.map((m) => `<button type="button" data-model="${esc(m)}" class="${m === model ? 'chosen' : ''}"><strong>${esc(m)}</strong></button>`).join('')
    + `<input id="other-model" maxlength="40" placeholder="${esc(t('其他车型', 'Other model'))}" value="${esc(model && !models.includes(model) ? model : '')}">`;
  $('other-model').addEventListener('input', (e) => { model = e.target.value.trim() || null; nonce = uuid(); renderSummary(); });
}
$('models').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-model]');
  if (!b) return;
  model = b.dataset.model; nonce = uuid();
  renderModels(); renderSummary();
});

// MARK: - Step 3: confirm

function renderSummary() {
  const ready = guest && model;
  $('confirm').disabled = !ready;
  $('summary').textContent = ready ? t(`${guest.name} · ${model}`, `${guest.name} · ${model}`) : t('请选择客户和车型', 'Choose a customer and a model');
  const names = [...new Set([consultant, me.name, ...salesNames].filter(Boolean))];  // all accounts the laptop knows
  $('consultant-pick').innerHTML = names.map((n) => `<option ${n === consultant ? 'selected' : ''}>${esc(n)}</option>`).join('');
  $('consultant-row').classList.toggle('hidden', !ready);
}

$('confirm').addEventListener('click', async () => {
  $('confirm').disabled = true;
  $('error').textContent = '';
  try {
    const who = guest.customer ? { customer: guest.customer } : { invitee_id: guest.id };
    const r = await api('/api/orders', { method: 'POST', body: { ...who, model, nonce, consultant: consultant || me.name } });
    const tl = r.tally;
    renderTally(tl);
    const more = tl.rebate_per_order === 0 && tl.next_tier; // below the first tier: say what the room can still win
    showAnswer(r.order, more
      ? t(`成交！${r.order.name} · ${r.order.model}，今日第 ${tl.orders} 台。再成交 ${more.more} 台，全场每台享 ¥${more.rebate}`,
        `Sold! ${r.order.name} · ${r.order.model}: order ${tl.orders} today. ${more.more} more and every car gets ¥${more.rebate}`)
      : t(`成交！${r.order.name} · ${r.order.model}，今日第 ${tl.orders} 台，全场每台优惠 ¥${tl.rebate_per_order}`,
        `Sold! ${r.order.name} · ${r.order.model}: order ${tl.orders} today; every car gets ¥${tl.rebate_per_order}`));
    guest = null; model = null; nonce = null;
    ['nc-name', 'nc-phone', 'nc-plate'].forEach((id) => { $(id).value = ''; });
    $('new-customer').open = false;
    renderModels(); renderSummary();
    loadOrders().then(loadGuests); // the guest is marked as having ordered
  } catch (err) {
    $('error').textContent = err.message; $('confirm').disabled = false;
  }
});

// MARK: - The answer: ① the order, ② its spin

let spinOrder = null;

/** Opens the answer. With `orderText` it starts at ① (a new order); without, straight at ② (a spin from the list). */
function showAnswer(order, orderText) {
  spinOrder = order;
  $('answer-order').classList.toggle('hidden', !orderText);
  $('result').textContent = orderText || '';
  $('spin').classList.remove('hidden'); $('spin').disabled = false;
  $('spin').textContent = t(`为 ${order.name} 转盘`, `Spin for ${order.name}`);
  $('spin-result').classList.add('hidden'); $('spin-result').textContent = ''; $('spin-error').textContent = '';
  $('answer-close').textContent = t('稍后再转（可在最近订单中转）', 'Spin later (from the latest orders)');
  if (!$('answer').open) $('answer').showModal();
}

/** Every order earns one spin: the server picks the prize; the big wheel screen shows it landing. */
$('spin').addEventListener('click', async () => {
  $('spin').disabled = true; $('spin-error').textContent = '';
  try {
    const r = await api('/api/wheel/spins', { method: 'POST', body: { order_id: spinOrder.id, nonce: uuid() } });
    $('spin').classList.add('hidden');
    $('spin-result').textContent = t(`转盘结果：${r.spin.prize.name}`, `Wheel: ${r.spin.prize.name}`);
    $('spin-result').classList.remove('hidden');
    $('answer-close').textContent = t('完成，下一位客户', 'Done: next customer');
    loadOrders();
  } catch (err) { $('spin').disabled = false; $('spin-error').textContent = err.message; }
});
$('answer-close').addEventListener('click', () => $('answer').close());

// MARK: - Tally and latest orders, voids

function renderTally(tl) {
  $('tally').textContent = t(`已成交 ${tl.orders} 台 · 每台 ¥${tl.rebate_per_order}`, `${tl.orders} sold · ¥${tl.rebate_per_order} each`);
}

async function loadOrders() {
  try {
    const orders = await api('/api/orders');
    try { spun = new Set((await api('/api/wheel/spins')).map((s) => s.order_id).filter(Boolean)); } catch { /* spins unknown */ }
    ordered = new Set(orders.filter((o) => !o.voided).map((o) => o.invitee_id));
    // A spin can also be started later, from here: every valid order that has not spun shows its button.
    $('orders').innerHTML = orders.slice(0, 15).map((o) => `<tr>
      <td>${o.id}</td><td>${esc(o.name)}</td><td>${esc(o.model)}</td><td>${esc(o.consultant)}</td>
      <td>${o.voided ? `<span class="muted">${esc(t('已作废', 'voided'))}</span>` : `${spun.has(o.id) ? ''
    : `<button class="secondary" data-spin="${o.id}" data-name="${esc(o.name)}">${
        esc(t('转盘',
          'Spin'))}</button> `}<button class="danger" data-void="${o.id}" data-what="${esc(`${o.name} · ${o.model}`)}">${esc(t('作废', 'Void'))}</button>`}</td></tr>`).join('');
  } catch { /* the list is a convenience */ }
}

let voidID = null;
$('orders').addEventListener('click', async (e) => {
  const s = e.target.closest('button[data-spin]');
  if (s) { showAnswer({ id: Number(s.dataset.spin), name: s.dataset.name }); return; }
  const b = e.target.closest('button[data-void]');
  if (!b) return;
  voidID = b.dataset.void;
  $('void-what').textContent = `#${voidID} ${b.dataset.what}`;
  $('void-reason').value = '';
  $('void-dialog').showModal();
});
$('void-reasons').innerHTML = [['客户反悔', 'Customer changed mind'], ['录入错误', 'Entered by mistake'], ['重复录入', 'Entered twice']]
  .map(([zh, en]) => `<button type="button" data-reason="${zh}">${t(zh, en)}</button>`).join('');
$('void-reasons').addEventListener('click',
  (e) => { const b = e.target.closest('button[data-reason]'); if (b) $('void-reason').value = b.dataset.reason; });
$('void-cancel').addEventListener('click', () => $('void-dialog').close());
$('void-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const r = await api(`/api/orders/${voidID}/void`, { method: 'POST', body: { reason: $('void-reason').value } });
    renderTally(r.tally); $('void-dialog').close(); loadOrders();
  } catch (err) { alert(err.message); }
});

async function init() {
  if (!me) return;
  $('who').textContent = me.name;
  langSwitch($('lang'), () => { renderSummary(); loadGuests(); loadOrders(); });
  try { models = (await api('/api/event')).models || []; } catch { models = []; }
  try { salesNames = (await api('/api/staff/names')).filter((s) => s.role === 'sales').map((s) => s.name); } catch { salesNames = []; }
  $('consultant-pick').addEventListener('change', (e) => { consultant = e.target.value; });
  renderModels(); renderSummary(); loadGuests(); loadOrders();
  try { renderTally(await api('/api/tally')); } catch { /* stream fills it */ }
  connectLive({ tally: renderTally, checkin: () => { if (!$('search').value) loadGuests(); }, order: () => loadOrders().then(loadGuests),
    order_void: () => loadOrders().then(loadGuests) });
}
init();
