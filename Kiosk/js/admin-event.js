// The event editor: the whole event in one form. Nothing changes on the server until Save succeeds;
// a refusal lists every problem and marks the field it is about.
import { api, session, esc, inLanguage } from './api.js';
import { t, applyLang } from './i18n.js';

const $ = (id) => document.getElementById(id);
let loaded = null; // the editor view as the server last sent it

const list = (s) => s.split(/[,，、\n]/).map((x) => x.trim()).filter(Boolean);
const num = (s) => { const v = String(s).trim(); return v === '' ? null : (/^-?\d+$/.test(v) ? Number(v) : v); };

// MARK: - Rows

function tierRow(tier = { from: '', rebate: '' }, i = 0) {
  return `<tr><td><input data-field="tiers[${i}].from" data-k="from" inputmode="numeric" value="${esc(tier.from)}"></td>
    <td><input data-field="tiers[${i}].rebate" data-k="rebate" inputmode="numeric" value="${esc(tier.rebate)}"></td>
    <td><button type="button" class="danger" data-drop>${t('删除', 'Remove')}</button></td></tr>`;
}

function prizeRow(p = { id: '', name: '', value: '', stock: '' }, i = 0) {
  const given = loaded?.won?.[p.id] || 0;
  return `<tr><td><input data-field="wheel.prizes[${i}].id" data-k="id" value="${esc(p.id)}" ${given ? 'readonly' : ''}></td>
    <td><input data-field="wheel.prizes[${i}].name" data-k="name" value="${esc(p.name)}"></td>
    <td><input data-field="wheel.prizes[${i}].value" data-k="value" inputmode="numeric" value="${esc(p.value)}"></td>
    <td><input data-field="wheel.prizes[${i}].stock" data-k="stock" inputmode="numeric" value="${esc(p.stock)}"></td>
    <td>${given}</td>
    <td>${given ? '' : `<button type="button" class="danger" data-drop>${t('删除', 'Remove')}</button>`}</td></tr>`;
}

function drawRow(d = { name: '', value: '', pool: 'orders', winners: 1, alternates: 2 }, i = 0) {
  const opt = (v, zh, en) => `<option value="${v}" ${d.pool === v ? 'selected' : ''}>${t(zh, en)}</option>`;
  return `<tr><td><input data-field="draws[${i}].name" data-k="name" value="${esc(d.name)}"></td>
    <td><input data-field="draws[${i}].value" data-k="value" inputmode="numeric" value="${esc(d.value)}"></td>
    <td><select data-field="draws[${i}].pool" data-k="pool">${opt('orders', '下单客户', 'Customers who ordered')}${opt('checked_in', '到场来宾',
      'Guests who came')}</select></td>
    <td><input data-field="draws[${i}].winners" data-k="winners" inputmode="numeric" value="${esc(d.winners)}"></td>
    <td><input data-field="draws[${i}].alternates" data-k="alternates" inputmode="numeric" value="${esc(d.alternates)}"></td>
    <td><button type="button" class="danger" data-drop>${t('删除', 'Remove')}</button></td></tr>`;
}

function reminderRow(r = { at: '', kind: 'sms', text: '' }, i = 0) {
  const opt = (v, zh, en) => `<option value="${v}" ${r.kind === v ? 'selected' : ''}>${t(zh, en)}</option>`;
  return `<tr><td><input type="time" data-field="campaign.reminders[${i}].at" data-k="at" value="${esc(r.at)}"></td>
    <td><select data-field="campaign.reminders[${i}].kind" data-k="kind">${opt('sms', '短信', 'SMS')}${opt('call', '电话', 'Call')}</select></td>
    <td style="width:60%"><input data-field="campaign.reminders[${i}].text" data-k="text" maxlength="300" value="${esc(r.text || '')}"></td>
    <td><button type="button" class="danger" data-drop>${t('删除', 'Remove')}</button></td></tr>`;
}

function busRow(b = { name: '', meeting_point: '', departs: '', seats: 45 }, i = 0) {
  return `<tr><td><input data-field="buses[${i}].name" data-k="name" value="${esc(b.name)}"></td>
    <td><input data-field="buses[${i}].meeting_point" data-k="meeting_point" value="${esc(b.meeting_point)}"></td>
    <td><input type="time" data-field="buses[${i}].departs" data-k="departs" value="${esc(b.departs)}"></td>
    <td><input data-field="buses[${i}].seats" data-k="seats" inputmode="numeric" value="${esc(b.seats)}"></td>
    <td><button type="button" class="danger" data-drop>${t('删除', 'Remove')}</button></td></tr>`;
}

function tableRow(x = { name: '', seats: 10 }, i = 0) {
  return `<tr><td><input data-field="tables[${i}].name" data-k="name" maxlength="30" value="${esc(x.name)}"></td>
    <td><input data-field="tables[${i}].seats" data-k="seats" inputmode="numeric" value="${esc(x.seats)}"></td>
    <td><button type="button" class="danger" data-drop>${t('删除', 'Remove')}</button></td></tr>`;
}

function questionRow(q = { id: '', text: '', text_en: '' }, i = 0) {
  return `<tr><td style="width:50%"><input type="hidden" data-k="id" value="${esc(q.id)}">
    <input data-field="survey.questions[${i}].text" data-k="text" maxlength="100" value="${esc(q.text)}"></td>
    <td><input data-field="survey.questions[${i}].text_en" data-k="text_en" maxlength="100" value="${esc(q.text_en || '')}"></td>
    <td><button type="button" class="danger" data-drop>${t('删除', 'Remove')}</button></td></tr>`;
}

// Counts and amounts are numbers; the rest is text, and an empty optional text is left out.
const NUMERIC = new Set(['from', 'rebate', 'value', 'stock', 'winners', 'alternates', 'seats']);
const OPTIONAL = new Set(['text_en']);
const rows = (id) => [...$(id).querySelectorAll('tr')].map((tr) =>
  Object.fromEntries([...tr.querySelectorAll('[data-k]')].map((el) => [el.dataset.k,
    NUMERIC.has(el.dataset.k) ? num(el.value) : (OPTIONAL.has(el.dataset.k) && !el.value.trim() ? null : el.value.trim())])));

/** Renumbers the data-field of every row after one is added or removed, so problems point at the right row. */
function renumber(id, prefix) {
  [...$(id).querySelectorAll('tr')].forEach((tr,
    i) => tr.querySelectorAll('[data-k]').forEach((el) => { el.dataset.field = `${prefix}[${i}].${el.dataset.k}`; }));
}

// MARK: - Load and fill

function fill(view) {
  loaded = view;
  const e = view.event;
  $('ev-name').value = e.name; $('ev-date').value = e.date; $('ev-start').value = e.start_time || ''; $('ev-end').value = e.end_time || '';
  $('ev-venue').value = e.venue; $('ev-dealer').value = e.dealer;
  $('ev-doors').value = e.doors.join('，'); $('ev-models').value = (e.models || []).join('，');
  $('ev-expected').value = e.expected_orders ?? '';
  $('tier-rows').innerHTML = e.tiers.map(tierRow).join('');
  $('prize-rows').innerHTML = e.wheel.prizes.map(prizeRow).join('');
  $('ev-bonus-per').value = e.wheel.bonus_spins_per_guest ?? ''; $('ev-bonus-day').value = e.wheel.bonus_spins ?? '';
  $('draw-rows').innerHTML = e.draws.map(drawRow).join('');
  $('ev-public-url').value = e.public_url || '';
  const goal = e.campaign || {};
  $('ev-goal-parties').value = goal.parties ?? ''; $('ev-goal-people').value = goal.people ?? '';
  $('ev-goal-orders').value = goal.orders ?? ''; $('ev-goal-per').value = goal.per_consultant ?? '';
  $('reminder-rows').innerHTML = (goal.reminders || []).map(reminderRow).join('');
  $('bus-rows').innerHTML = (e.buses || []).map(busRow).join('');
  $('table-rows').innerHTML = (e.tables || []).map(tableRow).join('');
  $('question-rows').innerHTML = (e.survey?.questions || []).map(questionRow).join('');
  $('ev-template').value = e.inspection_template;
  const tpl = view.inspection_template;
  $('template-info').textContent = tpl ? t(`当前：${tpl.name}（${tpl.items} 项）${tpl.locked ? '，已有检测记录，不能再换' : ''}`,
    `In force: ${tpl.name} (${tpl.items} items)${tpl.locked ? ', fixed: inspections have been saved' : ''}`) : '';
  $('template-file').disabled = !!tpl?.locked;
  if (view.closed) {
    document.querySelectorAll('#event-form input, #event-form select, #event-form button').forEach((el) => { el.disabled = true; });
    $('event-msg').className = 'muted';
    $('event-msg').textContent = t('活动已结束，设置不能再改', 'The event is closed; the setup can no longer change');
  }
  showProblems([]);
}

async function load() {
  try { fill(await api('/api/event/config')); } catch (err) { $('event-msg').className = 'error'; $('event-msg').textContent = err.message; }
}

/** The form as the event JSON the server takes; fields the form does not show (the invitee file) are kept as loaded. */
function collect() {
  const e = { ...loaded.event };
  e.name = $('ev-name').value.trim(); e.date = $('ev-date').value; e.venue = $('ev-venue').value.trim(); e.dealer = $('ev-dealer').value.trim();
  e.start_time = $('ev-start').value || null; e.end_time = $('ev-end').value || null;
  e.doors = list($('ev-doors').value); e.models = list($('ev-models').value);
  e.expected_orders = num($('ev-expected').value);
  e.tiers = rows('tier-rows');
  // The wheel's bonus-spin limits are the form's too: saving never drops them (issue 24).
  e.wheel = { prizes: rows('prize-rows'), bonus_spins_per_guest: num($('ev-bonus-per').value), bonus_spins: num($('ev-bonus-day').value) };
  e.draws = rows('draw-rows');
  e.inspection_template = $('ev-template').value.trim();
  e.public_url = $('ev-public-url').value.trim() || null;
  const goal = { parties: num($('ev-goal-parties').value), people: num($('ev-goal-people').value), orders: num($('ev-goal-orders').value),
    per_consultant: num($('ev-goal-per').value) };
  const reminders = rows('reminder-rows').map((r) => ({ ...r, text: r.kind === 'call' && !r.text ? null : r.text }));
  const anyGoal = Object.values(goal).some((v) => v !== null);
  e.campaign = anyGoal || reminders.length ? { ...goal, reminders: reminders.length ? reminders : null } : null;
  const tables = rows('table-rows');
  e.tables = tables.length ? tables : null;
  const buses = rows('bus-rows');
  e.buses = buses.length ? buses : null;
  const questions = rows('question-rows');
  e.survey = questions.length ? { questions } : null;
  return e;
}

// MARK: - Problems

const NAMES = { name: ['名称', 'Name'], date: ['日期', 'Date'], start_time: ['开始时间', 'Start'], end_time: ['结束时间', 'End'],
  public_url: ['短信链接的公网地址', 'Public address'], 'campaign.parties': ['目标组数', 'Goal: parties'],
  'campaign.people': ['目标人数', 'Goal: people'],
  'campaign.orders': ['目标订单', 'Goal: orders'], 'campaign.per_consultant': ['每位顾问至少邀约', 'Parties per consultant'],
  'campaign.reminders': ['当天提醒', 'Reminder'], buses: ['班车', 'Bus'], 'survey.questions': ['问卷问题', 'Survey question'],
  at: ['时间', 'time'], kind: ['方式', 'how'], text: ['内容', 'text'], text_en: ['英文', 'English'],
  meeting_point: ['集合地点', 'meeting point'],
  departs: ['发车', 'leaves'], seats: ['座位', 'seats'],
  'wheel.bonus_spins_per_guest': ['每位来宾奖励转盘次数', 'Bonus spins per guest'],
  'wheel.bonus_spins': ['全天奖励转盘次数', 'Bonus spins in the day'], tables: ['午餐桌', 'Lunch table'],
  venue: ['地点', 'Venue'], dealer: ['经销商', 'Dealer'], doors: ['门口', 'Doors'], models: ['车型', 'Models'], expected_orders: ['预计订单数', 'Expected orders'],
  inspection_template: ['检测表', 'Inspection form'], tiers: ['返利档位', 'Rebate tier'], 'wheel.prizes': ['转盘奖品', 'Wheel prize'], draws: ['幸运抽奖',
    'Grand draw'],
  from: ['从第几单起', 'from order'], rebate: ['每台返利', 'rebate'], id: ['代码', 'code'], value: ['价值', 'value'], stock: ['库存', 'stock'],
  pool: ['参与者', 'who takes part'], winners: ['中奖人数', 'winners'], alternates: ['候补人数', 'alternates'] };

/** `tiers[1].rebate` → "返利档位 第 2 行 · 每台返利": what the assistant sees on the form, not the JSON path. */
export function fieldName(field) {
  if (field === 'name') return t('活动名称', 'Event name');
  // A list's own name may hold a dot (wheel.prizes): the index, and the key after it, come only after the list.
  const m = field.match(/^([a-z_.]+?)(?:\[(\d+)\](?:\.([a-z_]+))?)?$/);
  if (!m || !NAMES[m[1]]) return field;
  const part = (k) => (NAMES[k] ? t(...NAMES[k]) : k);
  return [part(m[1]), m[2] !== undefined ? t(`第 ${Number(m[2]) + 1} 行`, `row ${Number(m[2]) + 1}`) : '',
    m[3] ? part(m[3]) : ''].filter(Boolean).join(' · ');
}

/** A refusal's problems under a heading, each named as the form names its field; empty when there are none. */
export function problemsHTML(problems, heading) {
  return problems.length ? `<strong>${esc(heading)}</strong>
    <ul>${problems.map((p) => `<li><strong>${esc(fieldName(p.field))}</strong>：${esc(inLanguage(p.message))}</li>`).join('')}</ul>` : '';
}

function showProblems(problems) {
  document.querySelectorAll('#event-form .invalid').forEach((el) => el.classList.remove('invalid'));
  const box = $('event-problems');
  box.classList.toggle('hidden', !problems.length);
  const n = problems.length;
  box.innerHTML = problemsHTML(problems, t(`有 ${n} 处需要改正，尚未保存：`, `${n} thing(s) to fix; nothing was saved:`));
  for (const p of problems) {
    // The exact field, else the field it belongs to (doors[1] → doors, wheel.prizes → its table).
    const el = document.querySelector(`#event-form [data-field="${CSS.escape(p.field)}"]`)
      || document.querySelector(`#event-form [data-field="${CSS.escape(p.field.replace(/\[\d+\].*$/, ''))}"]`);
    if (el) el.classList.add('invalid');
  }
  if (problems.length) box.scrollIntoView({ block: 'center' });
}

// MARK: - Wiring

for (const [button, body, row, prefix] of [['add-tier', 'tier-rows', tierRow, 'tiers'], ['add-prize', 'prize-rows', prizeRow, 'wheel.prizes'],
  ['add-draw', 'draw-rows', drawRow, 'draws'], ['add-reminder', 'reminder-rows', reminderRow, 'campaign.reminders'],
  ['add-bus', 'bus-rows', busRow, 'buses'], ['add-table', 'table-rows', tableRow, 'tables'],
  ['add-question', 'question-rows', questionRow, 'survey.questions']]) {
  $(button).addEventListener('click', () => {
    $(body).insertAdjacentHTML('beforeend', row(undefined, $(body).children.length));
    $(body).lastElementChild.querySelector('input').focus();
  });
  $(body).addEventListener('click', (e) => {
    if (!e.target.matches('[data-drop]')) return;
    e.target.closest('tr').remove(); renumber(body, prefix);
  });
}

$('event-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const msg = $('event-msg');
  msg.className = 'muted'; msg.textContent = t('正在保存…', 'Saving…');
  try {
    fill(await api('/api/event', { method: 'PUT', body: collect() }));
    msg.className = 'ok'; msg.textContent = t('已保存，所有页面即刻生效', 'Saved: every page uses it now');
    document.dispatchEvent(new CustomEvent('event-saved'));
  } catch (err) {
    msg.className = 'error'; msg.textContent = err.message;
    showProblems(err.body.problems || []);
  }
});

// A language switch redraws the rows in the other language and keeps what was typed.
document.addEventListener('lang-changed', () => {
  if (!loaded) return;
  const problems = [...document.querySelectorAll('#event-problems li code')].length;
  const kept = loaded;
  fill({ ...kept, event: collect() });
  loaded = kept;
  if (problems) $('event-msg').textContent = '';
});

$('event-reset').addEventListener('click', () => { if (loaded) { fill(loaded); $('event-msg').textContent = ''; } });

$('template-file').addEventListener('change', async () => {
  const file = $('template-file').files[0];
  if (!file) return;
  const msg = $('template-msg');
  try {
    const r = await api('/api/inspection/template', { method: 'PUT', body: await file.text(), contentType: 'application/json' });
    msg.className = 'ok'; msg.textContent = t(`已换用检测表：${r.name}（${r.items} 项）`, `Form in force: ${r.name} (${r.items} items)`);
    load();
  } catch (err) {
    msg.className = 'error';
    msg.innerHTML = esc(err.message) + (err.body.problems ? `<ul>${err.body.problems.map((p) => `<li><code>${esc(p.field)}</code> ${esc(p.message)}</li>`).join('')}</ul>` : '');
  }
  $('template-file').value = '';
});

if (session()?.role === 'admin') { load(); applyLang(); }
