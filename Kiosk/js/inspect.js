// The technician's tablet: pick a car, fill in the 21 items zone by zone, sign, submit.
// Every tap is saved on the tablet (localStorage), and a submission waits in a queue until the laptop answers,
// so a reload or a Wi-Fi drop loses nothing; the client_id makes a resend harmless.
import { api, requireRole, esc, uuid, inLanguage } from '/js/api.js';
import { langSwitch, t, lang } from '/js/i18n.js';
import { COLOUR, itemStatus, valueStatus, valueProblem, toNumber, missing, suggestAdvice } from '/js/inspect-rules.js';
import { signaturePad } from '/js/signature.js';
import { createOutbox, KEPT, REFUSED } from '/js/outbox.js';

const DRAFT_KEY = 'kiosk.inspect.draft';
const QUEUE_KEY = 'kiosk.inspect.queue';
const $ = (id) => document.getElementById(id);
const me = requireRole('technician');
let template = null;
let draft = null;          // the check being filled in
let previous = null;       // the same car's last inspection, if any
let pad = null;            // the signature pad, when shown
let numpadTarget = null;   // { item, key } or { field: 'mileage' }
let adviceAsked = null;    // the item whose missing advice the pad has asked for once

// MARK: - Draft: saved on every change

const loadDraft = () => { try { return JSON.parse(localStorage.getItem(DRAFT_KEY) || 'null'); } catch { return null; } };
function saveDraft() {
  if (!draft) { localStorage.removeItem(DRAFT_KEY); return; }
  try { localStorage.setItem(DRAFT_KEY, JSON.stringify(draft)); } catch {
    alert(t('平板存储已满：请删除部分照片', 'The tablet storage is full: remove some photos'));
  }
}

function newDraft(guest) {
  return {
    client_id: uuid(), started: new Date().toISOString(), tab: 'vehicle',
    invitee_id: guest?.id ?? null,
    customer: { name: guest?.name || '', phone: guest?.phone || '' },
    vehicle: { plate: guest?.plate || '', vin: guest?.vin || '', model: guest?.model || '', mileage_km: '' },
    technician: me?.name || '', items: {}, signature: null,
  };
}

const tabs = () => ['vehicle', ...template.zones.map((z) => z.id), 'finish'];
const zoneName = (z) => (lang() === 'en' ? z.name_en || z.name : z.name);
const itemName = (i) => (lang() === 'en' ? i.name_en || i.name : i.name);
const STATUS_TEXT = { ok: ['正常', 'OK'], advise: ['建议', 'Advise'], urgent: ['紧急', 'Urgent'], na: ['不适用', 'N/A'] };
const statusText = (s, item) => (s === 'urgent' && item?.choices?.length === 2 ? t('故障', 'Fails') : t(...STATUS_TEXT[s]));

// MARK: - Outbox: submissions wait here until the laptop answers (outbox.js, the same rules as the door's). A
// refused check stays, marked with the reason, so the technician can reopen and fix it.

const outbox = createOutbox(QUEUE_KEY, { keepRefused: true, onChange: () => renderPending() });
const queue = () => outbox.items();
// Checks queued before the outbox module kept their id only in the body.
const legacy = queue().filter((x) => !x.nonce);
if (legacy.length) { outbox.remove(undefined); for (const x of legacy) outbox.add({ ...x, nonce: x.body.client_id, path: '/api/inspections' }); }

function setOnline(ok) {
  const c = $('conn');
  c.classList.toggle('offline', !ok);
  c.textContent = ok ? t('在线', 'Online') : t('离线', 'Offline');
}

function renderPending() {
  const q = queue();
  const box = $('pending');
  box.classList.toggle('hidden', q.length === 0);
  box.innerHTML = q.length ? `${esc(t(`${q.length} 份检查单待提交（网络恢复后自动提交）`, `${q.length} check(s) waiting to be sent (sent automatically when the Wi-Fi is back)`))}
    <ul>${q.map((x) => `<li>${esc(x.label)}${x.refused ? ` — <span class="error">${esc(x.refused)}</span> <button data-reopen="${esc(x.body.client_id)}">${esc(t('打开修改', 'Open and fix'))}</button>` : ''}</li>`).join('')}</ul>` : '';
}

/** Why the laptop refused a check: its list of problems, or its message. */
const whyRefused = (answer) => (answer.data.problems || []).map((p) => inLanguage(p.message)).slice(0,
  3).join('; ') || inLanguage(answer.data.message) || `HTTP ${answer.status}`;

/** What became of a check that waited: stored (gone from the outbox), or refused (kept, marked, to be fixed). */
function settle(item, result) {
  setOnline(true);
  const answer = result.answer;
  if (answer && (answer.status === 200 || answer.status === 201)) {
    if (!$('done').classList.contains('hidden') && $('done').dataset.client === item.body.client_id) showStored(answer.data.inspection);
    refreshStart();
  } else if (result.verdict !== REFUSED && answer) {
    outbox.add({ ...item, refused: whyRefused(answer) }); // e.g. 409 event_closed: kept to be seen, not lost
  }
}

async function flush() { await outbox.flush(settle); }
setInterval(flush, 5000);
window.addEventListener('online', flush);

// MARK: - Start screen

async function refreshStart() {
  try {
    const arrived = await api('/api/checkins?limit=60');
    $('arrived').innerHTML = arrived.map((a) => pickButton(a.invitee)).join('') || `<p class="muted">${esc(t('还没有来宾签到', 'No guest has checked in yet'))}</p>`;
    const list = await api('/api/inspections?limit=12');
    $('tech-counts').textContent = list.technicians.map((c) => `${c.technician}: ${c.inspections}`).join(' · ');
    $('recent').innerHTML = list.inspections.map((i) => `<p><a href="/inspections/${i.id}/report" target="_blank">#${i.id} ${esc(i.plate || i.vin || '')} ${esc(i.customer_name || '')}</a>
      <span class="muted">${esc(i.technician)} · ${new Date(i.at).toLocaleTimeString([], { hour12: false })}</span>
      ${i.red_count ? `<span class="error">${esc(t(`紧急 ${i.red_count}`, `urgent ${i.red_count}`))}</span>` : ''}</p>`).join('');
    setOnline(true);
  } catch (e) { if (e.status === 0 || e instanceof TypeError) setOnline(false); }
}

function pickButton(g) {
  return `<button data-guest='${esc(JSON.stringify({ id: g.id, name: g.name, phone: g.phone, plate: g.plate, vin: g.vin, model: g.model }))}'>
    <strong>${esc(g.plate || t('无车牌',
      'no plate'))} · ${esc(g.name)}</strong><small>${esc(g.model || '')} ${esc(g.phone ? `…${g.phone.slice(-4)}` : '')}</small></button>`;
}

function showScreen(id) {
  for (const s of ['start', 'form', 'done']) $(s).classList.toggle('hidden', s !== id);
  if (id !== 'form') closeNumpad();
  if (id === 'start') {
    const d = loadDraft();
    $('resume-panel').classList.toggle('hidden', !d);
    if (d) $('resume-what').textContent = `${d.vehicle.plate || d.vehicle.vin || ''} ${d.customer.name || ''} · ${Object.keys(d.items).length}/${template.items.length}`;
    refreshStart();
  }
}

async function begin(guest) {
  if (loadDraft() && !confirm(t('放弃本平板上未完成的检查，开始新的？', 'Discard the unfinished check on this tablet and start a new one?'))) return;
  draft = newDraft(guest);
  saveDraft();
  await loadPrevious();
  showScreen('form');
  render();
  openNumpad({ field: 'mileage' }); // the first thing to type: saves a tap on every car
}

async function loadPrevious() {
  previous = null;
  const plate = draft.vehicle.plate.trim(), vin = draft.vehicle.vin.trim();
  if (!plate && !vin) return;
  try {
    const q = new URLSearchParams(); if (plate) q.set('plate', plate); if (vin) q.set('vin', vin);
    previous = (await api(`/api/inspections/previous?${q}`)).inspection;
  } catch { previous = null; }
}

// MARK: - The form

function render() {
  renderTabs();
  const tab = draft.tab;
  if (tab === 'vehicle') renderVehicle();
  else if (tab === 'finish') renderFinish();
  else renderZone(tab);
  $('prev').disabled = tab === 'vehicle';
  $('next').classList.toggle('hidden', tab === 'finish');
}

/** The zone tabs, each with its progress and worst colour so far. */
function renderTabs() {
  const all = tabs();
  if (!all.includes(draft.tab)) draft.tab = 'vehicle';
  $('tabs').innerHTML = all.map((id) => {
    const z = template.zones.find((x) => x.id === id);
    const label = id === 'vehicle' ? t('车辆', 'Vehicle') : id === 'finish' ? t('完成签字', 'Finish') : zoneName(z);
    let dot = '';
    if (z) {
      const items = template.items.filter((i) => i.zone === id);
      const done = items.filter((i) => draft.items[i.id]?.status).length;
      const worst = items.map((i) => itemStatus(i, draft.items[i.id])).reduce((a,
        s) => (s === 'urgent' || a === 'urgent' ? 'urgent' : s === 'advise' || a === 'advise' ? 'advise' : a), null);
      dot = `<span class="dot ${worst === 'urgent' ? 'red' : worst === 'advise' ? 'yellow' : done === items.length ? 'done' : ''}"></span> ${done}/${items.length}`;
    }
    return `<button data-tab="${id}" class="${id === draft.tab ? 'current' : ''}">${esc(label)} ${dot}</button>`;
  }).join('');
}

function go(tab) { draft.tab = tab; saveDraft(); closeNumpad(); render(); window.scrollTo(0, 0); }

function renderVehicle() {
  const v = draft.vehicle, c = draft.customer;
  $('tab').innerHTML = `<section class="panel"><h2>${esc(t('车辆与客户', 'Vehicle and customer'))}</h2>
    <div class="vehicle-grid">
      <label>${esc(t('车牌号', 'Plate'))}<input data-f="vehicle.plate" value="${esc(v.plate)}" autocapitalize="characters"></label>
      <label>${esc(t('车架号（VIN）', 'VIN'))}<input data-f="vehicle.vin" value="${esc(v.vin)}" maxlength="17" autocapitalize="characters"></label>
      <label>${esc(t('车型', 'Model'))}<input data-f="vehicle.model" value="${esc(v.model || '')}" maxlength="40"></label>
      <label>${esc(t('行驶里程（公里）',
        'Mileage (km)'))}<span class="values"><button type="button" data-mileage class="${v.mileage_km === '' ? '' : 'green'}"><b>${esc(v.mileage_km || '—')}</b><small>km</small></button></span></label>
      <label>${esc(t('客户姓名', 'Customer name'))}<input data-f="customer.name" value="${esc(c.name)}" ${draft.invitee_id ? 'readonly' : ''}></label>
      <label>${esc(t('手机号（回访用）',
        'Mobile (for the follow-up call)'))}<input data-f="customer.phone" value="${esc(c.phone)}" inputmode="tel" ${draft.invitee_id ? 'readonly' : ''}></label>
      <label>${esc(t('检查技师', 'Technician'))}<input data-f="technician" value="${esc(draft.technician)}"></label>
    </div>
    ${previous ? `<p class="prev-note">${esc(t(`上次检查：${new Date(previous.at).toLocaleDateString()}，${previous.mileage_km ?? '—'} km，紧急 ${previous.red_count} 项`, `Last check: ${new Date(previous.at).toLocaleDateString()}, ${previous.mileage_km ?? '—'} km, ${previous.red_count} urgent`))}</p>` : ''}
  </section>`;
}

function renderZone(zoneID) {
  const items = template.items.filter((i) => i.zone === zoneID);
  const zone = template.zones.find((z) => z.id === zoneID);
  $('tab').innerHTML = `<div class="zone-head"><h2>${esc(zoneName(zone))}</h2>
    <button class="secondary" data-all-ok="${zoneID}">${esc(t('其余全部正常 ›', 'The rest OK ›'))}</button></div>
    ${items.map(itemCard).join('')}`;
}

function itemCard(item) {
  const st = draft.items[item.id] || {};
  const status = itemStatus(item, st);
  const choices = [...(item.choices || ['ok', 'advise', 'urgent']), ...(item.na_allowed ? ['na'] : [])];
  const before = previous?.items?.find((x) => x.id === item.id);
  const values = item.values.map((spec) => {
    const raw = st.values?.[spec.key] ?? '';
    const x = toNumber(raw);
    const vs = valueStatus(spec, x, st.values || {});
    const bad = valueProblem(spec, raw);
    const old = before?.values?.[spec.key];
    const active = numpadTarget && numpadTarget.item === item.id && numpadTarget.key === spec.key;
    return `<button type="button" data-val="${item.id}:${spec.key}" class="${bad ? 'bad' : vs ? COLOUR[vs] : ''} ${active ? 'active' : ''}">
      <small>${esc(lang() === 'en' ? spec.label_en || spec.label : spec.label)}${spec.optional ? esc(t('（选填）', ' (optional)')) : ''}</small>
      <span><b>${esc(raw === '' ? '—' : raw)}</b> ${esc(spec.unit)}</span>
      ${old !== undefined ? `<small>${esc(t('上次', 'last'))} ${old}</small>` : ''}</button>`;
  }).join('');
  const needAdvice = status === 'advise' || status === 'urgent';
  const phrases = needAdvice ? suggestAdvice(template, item, status) : [];
  const asking = needAdvice && !(st.advice || '').trim();
  return `<article class="item ${status ? COLOUR[status] : ''}" data-item="${item.id}" id="item-${item.id}">
    <header><span class="no">${item.no}</span><h3>${esc(itemName(item))} ${lang() === 'en' ? '' : `<small>${esc(item.name_en || '')}</small>`}</h3>
      ${status ? `<strong class="${status === 'urgent' ? 'error' : status === 'ok' ? 'ok' : ''}">${esc(statusText(status, item))}</strong>` : ''}</header>
    ${item.hint ? `<p class="hint">${esc(item.hint)}</p>` : ''}
    <div class="statuses">${choices.map((c) => `<button type="button" data-status="${item.id}:${c}" class="${c} ${st.status === c ? 'on' : ''}">${esc(statusText(c, item))}</button>`).join('')}</div>
    ${item.values.length ? `<div class="values">${values}</div>` : ''}
    ${needAdvice ? `<div class="advice ${asking ? 'ask' : ''}">${asking ? `<strong class="ask-label">${esc(t('请选择建议：',
      'Pick the advice:'))}</strong>` : ''}${phrases.map((p, n) => `<button type="button" data-advice="${item.id}" data-text="${esc(p)}"
        class="${st.advice === p ? 'on' : ''} ${asking && n === 0 ? 'suggested' : ''}">${asking && n === 0 ? '★ ' : ''}${esc(p)}</button>`).join('')}
      <input data-advice-text="${item.id}" value="${esc(st.advice || '')}" placeholder="${esc(t('专家建议', 'Expert advice'))}"></div>` : ''}
    <div class="extra"><input data-note="${item.id}" value="${esc(st.note || '')}" placeholder="${esc(t('备注（如故障码、位置）', 'Note (fault codes, where)'))}">
      <button type="button" class="secondary" data-photo="${item.id}">${esc(st.photo ? t('重拍', 'Retake') : t('拍照', 'Photo'))}</button>
      ${st.photo ? `<img alt="" src="${st.photo}"><button type="button" class="danger" data-unphoto="${item.id}">✕</button>` : ''}</div>
  </article>`;
}

function rerenderItem(id) {
  const item = template.items.find((i) => i.id === id);
  const el = $(`item-${id}`);
  if (el) el.outerHTML = itemCard(item);
  renderTabs();
}

function itemState(id) { draft.items[id] = draft.items[id] || { values: {} }; draft.items[id].values ||= {}; return draft.items[id]; }

function renderFinish() {
  const problems = missing(template, draft);
  const statuses = template.items.map((i) => itemStatus(i, draft.items[i.id]));
  const count = (s) => statuses.filter((x) => x === s).length;
  const urgent = template.items.filter((i, n) => statuses[n] === 'urgent');
  const vehicleProblems = [];
  if (!draft.invitee_id && !draft.vehicle.plate.trim() && !draft.vehicle.vin.trim()) vehicleProblems.push(t('请填写车牌或车架号', 'Give the plate or VIN'));
  if (draft.vehicle.mileage_km === '') vehicleProblems.push(t('请填写行驶里程', 'Give the mileage'));
  if (!draft.invitee_id && !draft.customer.phone.trim()) vehicleProblems.push(t('请填写客户手机号（回访用）',
    "Give the customer's mobile (for the follow-up call)"));
  $('tab').innerHTML = `<section class="panel"><h2>${esc(t('检查结果', 'Result'))}</h2>
    <p class="counts-row"><span class="g">${esc(t('正常', 'OK'))} ${count('ok')}</span><span class="y">${esc(t('建议',
      'Advise'))} ${count('advise')}</span>
      <span class="r">${esc(t('紧急', 'Urgent'))} ${count('urgent')}</span><span class="muted">${esc(t('不适用', 'N/A'))} ${count('na')}</span></p>
    ${vehicleProblems.length + problems.length ? `<h3>${esc(t('还差这些：', 'Still to do:'))}</h3><ul class="missing">
      ${vehicleProblems.map((p) => `<li><button type="button" class="secondary" data-goto="vehicle">${esc(p)} ›</button></li>`).join('')}
      ${problems.map((p) => `<li><button type="button" class="secondary" data-goto-item="${p.item}">${
    esc(lang() === 'en' ? p.en : p.zh)} ›</button></li>`)
    .join('')}</ul>` : `<p class="ok">${esc(t('21 项已全部检查', 'Every item is checked'))}</p>`}
  </section>
  ${decisionsPanel(template.items.filter((i, n) => statuses[n] === 'advise' || statuses[n] === 'urgent'))}
  ${paperworkPanel()}
  ${needsSignature(urgent) ? `<section class="panel sig-box"><h2>${esc(t('客户签字确认', "Customer's signature"))}</h2>
    ${urgent.length ? `<p>${esc(t('以下紧急安全缺陷已告知客户：',
      'The customer has been told of these urgent safety defects:'))}
      <strong class="error">${urgent.map((i) => `${i.no} ${itemName(i)}`).map(esc).join('、')}</strong></p>` : ''}
    ${draft.paper?.consent ? `<p>${esc(t('客户签字同意厂家回访核实。', "The customer signs to consent to the manufacturer's call."))}</p>` : ''}
    <canvas id="sig" aria-label="signature"></canvas>
    <div class="row"><button type="button" class="secondary" id="sig-clear">${esc(t('重签', 'Clear'))}</button>
      <span id="sig-state" class="${draft.signature ? 'ok' : 'error'}">${esc(draft.signature ? t('已签字', 'Signed') : t('请客户在框内签字',
        'Ask the customer to sign in the box'))}</span></div>
  </section>` : ''}
  <section class="panel"><div class="row">
    <button id="submit" class="big" ${
  problems.length + vehicleProblems.length || (needsSignature(urgent) && !draft.signature) ? 'disabled' : ''}>${
  esc(t('提交检查单', 'Submit the check'))}</button>
    <span id="submit-msg" class="error"></span></div></section>`;
  pad = null;
  if (needsSignature(urgent)) {
    pad = signaturePad($('sig'), (png) => {
      draft.signature = png; saveDraft();
      $('sig-state').textContent = png ? t('已签字', 'Signed') : t('请客户在框内签字', 'Ask the customer to sign in the box');
      $('sig-state').className = png ? 'ok' : 'error';
      $('submit').disabled = !!(problems.length + vehicleProblems.length) || !png;
    });
    pad.load(draft.signature);
  } else if (draft.signature) { draft.signature = null; saveDraft(); }
}

/** The signature is needed for urgent defects, and for the customer's consent to the manufacturer's call. */
function needsSignature(urgent) { return urgent.length > 0 || !!draft.paper?.consent; }

const DECISIONS = [['done', '当场维修', 'Done today'], ['booked', '预约维修', 'Booked'], ['declined', '暂不维修', 'Declined']];

/** Each defect's advice with the customer's decision and its amounts (parts ¥, labour ¥). */
function decisionsPanel(defects) {
  if (!defects.length) return '';
  const rows = defects.map((i) => {
    const st = itemState(i.id);
    const amount = (key, zh, en) => `<label>${esc(t(zh, en))} ¥<input type="number" inputmode="numeric" min="0" step="1"
      data-amount="${i.id}" data-key="${key}" value="${esc(st[key] ?? '')}"></label>`;
    return `<li data-decision-item="${i.id}"><strong>${i.no} ${esc(itemName(i))}</strong> <span class="muted">${esc(st.advice || '')}</span>
      <div class="row">${DECISIONS.map(([d, zh, en]) => `<button type="button" class="${st.decision === d ? 'on' : 'secondary'}"
        data-decide="${i.id}" data-decision="${d}">${esc(t(zh, en))}</button>`).join('')}
        ${amount('parts_yuan', '配件', 'Parts')} ${amount('labour_yuan', '工时', 'Labour')}</div></li>`;
  }).join('');
  return `<section class="panel" id="decisions"><h2>${esc(t('客户维修决定', "The customer's decisions"))}</h2>
    <ul class="decisions">${rows}</ul></section>`;
}

/** The campaign's paperwork: gift and window sticker handed out, and the customer's own consent to the manufacturer's call. */
function paperworkPanel() {
  const p = draft.paper || {};
  const box = (key, zh, en) => `<label class="check"><input type="checkbox" data-paper="${key}" ${p[key] ? 'checked' : ''}>
    ${esc(t(zh, en))}</label>`;
  return `<section class="panel" id="paperwork"><h2>${esc(t('礼品与标示贴', 'Gift and sticker'))}</h2>
    ${box('gift', '已赠送活动礼品', 'Campaign gift handed over')}
    ${box('sticker', '已贴标示贴（后挡风玻璃左下角）', 'Window sticker applied (rear windscreen, lower left)')}
    <h3>${esc(t('客户本人勾选', 'For the customer to tick'))}</h3>
    ${box('consent', '我同意厂家致电核实本次检测（可不同意，不影响服务）',
      "I agree that the manufacturer may call me to confirm this check (optional; the service is the same)")}</section>`;
}

// MARK: - Number pad (values and mileage)

function openNumpad(target) {
  numpadTarget = target;
  const np = $('numpad');
  np.classList.remove('hidden');
  renderPadExtras();
  if (target.field === 'mileage') {
    $('np-label').textContent = t('行驶里程', 'Mileage'); $('np-unit').textContent = 'km'; $('np-hint').textContent = '';
    $('np-value').textContent = draft.vehicle.mileage_km || '';
  } else {
    const item = template.items.find((i) => i.id === target.item);
    const spec = item.values.find((v) => v.key === target.key);
    $('np-label').textContent = `${item.no} ${lang() === 'en' ? spec.label_en || spec.label : spec.label}`;
    $('np-unit').textContent = spec.unit;
    $('np-hint').textContent = spec.green ? `${t('绿', 'green')} ${spec.green} · ${t('红', 'red')} ${spec.red}${spec.compare_to ? ` (${t('与', 'vs')} ${item.values.find((v) => v.key === spec.compare_to)?.label || spec.compare_to} ${t('比', '')})` : ''}` : `${spec.min}–${spec.max}`;
    $('np-value').textContent = itemState(item.id).values[spec.key] ?? '';
    document.querySelectorAll('.values button.active').forEach((b) => b.classList.remove('active'));
    const field = document.querySelector(`[data-val="${item.id}:${spec.key}"]`);
    field?.classList.add('active');
    // Keep the field being typed between the zone bar and the pad.
    const top = field?.getBoundingClientRect().top ?? 0;
    const below = $('tabs').getBoundingClientRect().bottom;
    if (top > window.innerHeight - np.offsetHeight - 90 || top < below) window.scrollBy(0, top - below - 16);
  }
}

/** The pad's extras for the value being typed: "同上" (the item's value before this one, e.g. the door-label pressure
 * for each tyre) and, once the value turns the item yellow or red, its advice, the best guess for the severity first. */
function renderPadExtras() {
  const tgt = numpadTarget;
  const same = $('np-same');
  const box = $('np-advice');
  if (!tgt || tgt.field) { same.disabled = true; same.textContent = t('同上', 'Same'); box.classList.add('hidden'); return; }
  const item = template.items.find((i) => i.id === tgt.item);
  const st = draft.items[item.id] || {};
  const before = sameValue(item, tgt.key);
  same.disabled = before === null;
  same.textContent = before === null ? t('同上', 'Same') : `${t('同上', 'Same')} ${before}`;
  const status = itemStatus(item, st);
  const need = status === 'advise' || status === 'urgent';
  box.classList.toggle('hidden', !need);
  box.classList.toggle('ask', adviceAsked === item.id && !(st.advice || '').trim());
  if (!need) { box.innerHTML = ''; return; }
  const list = suggestAdvice(template, item, status).slice(0, 4); // the rest are on the item's card
  box.innerHTML = `<span class="${status === 'urgent' ? 'r' : 'y'}">${esc(`${item.no} ${itemName(item)} · ${statusText(status, item)}`)}
    — ${esc(t('选择建议：', 'advice:'))}</span>${list.map((p, n) => `<button type="button" data-np-advice="${esc(p)}"
    class="${st.advice === p ? 'on' : ''} ${n === 0 && !st.advice ? 'suggested' : ''}">${
    n === 0 && !st.advice ? '★ ' : ''}${esc(p)}</button>`).join('')}`;
}

/** The value typed before `key` in the same item, or null. */
function sameValue(item, key) {
  const values = draft.items[item.id]?.values || {};
  const n = item.values.findIndex((v) => v.key === key);
  for (let i = n - 1; i >= 0; i--) {
    const raw = values[item.values[i].key];
    if (raw !== undefined && String(raw).trim() !== '') return raw;
  }
  return null;
}

function closeNumpad() { numpadTarget = null; $('numpad').classList.add('hidden'); document.querySelectorAll('.values button.active').forEach((b) => b.classList.remove('active')); }

function numpadKey(k) {
  if (!numpadTarget) return;
  let v = $('np-value').textContent;
  if (k === 'ok') { nextValue(); return; }
  if (k === 'same') {
    const item = template.items.find((i) => i.id === numpadTarget.item);
    const before = item && sameValue(item, numpadTarget.key);
    if (before === null || before === undefined) return;
    v = String(before);
    $('np-value').textContent = v;
    setValue(v);
    nextValue();
    return;
  }
  if (k === 'back') v = v.slice(0, -1);
  else if (k === 'clear') v = '';
  else if (k === '-') v = v.startsWith('-') ? v.slice(1) : `-${v}`;
  else if (k === '.') { if (!v.includes('.')) v = `${v || '0'}.`; }
  else if (v.replace('-', '').replace('.', '').length < 8) v += k;
  $('np-value').textContent = v;
  setValue(v);
}

function setValue(v) {
  if (numpadTarget.field === 'mileage') {
    draft.vehicle.mileage_km = v.replace('-', '').split('.')[0]; saveDraft();
    const b = document.querySelector('[data-mileage] b'); if (b) b.textContent = draft.vehicle.mileage_km || '—';
  } else {
    const st = itemState(numpadTarget.item);
    if (v === '') delete st.values[numpadTarget.key]; else st.values[numpadTarget.key] = v;
    // Typing a value means the item is being checked: start it as OK, the values then decide the colour.
    if (!st.status) st.status = 'ok';
    saveDraft();
    const target = numpadTarget;
    rerenderItem(target.item);
    numpadTarget = target;
    document.querySelector(`[data-val="${target.item}:${target.key}"]`)?.classList.add('active');
    renderPadExtras();
  }
}

/** OK on the pad moves on: to the next value of the same item, then to the next item of the zone still waiting for
 * a value, then closes. An item that turned yellow or red asks for its advice first (a second OK goes on without). */
function nextValue() {
  const target = numpadTarget;
  if (!target || target.field === 'mileage') { closeNumpad(); return; }
  const item = template.items.find((i) => i.id === target.item);
  const st = draft.items[item.id] || {};
  const status = itemStatus(item, st);
  if ((status === 'advise' || status === 'urgent') && !(st.advice || '').trim() && adviceAsked !== item.id) {
    adviceAsked = item.id;
    renderPadExtras();
    return;
  }
  const n = item.values.findIndex((v) => v.key === target.key);
  const nextSpec = item.values.slice(n + 1).find((v) => !v.optional);
  if (nextSpec) { openNumpad({ item: item.id, key: nextSpec.key }); return; }
  const zone = template.items.filter((i) => i.zone === item.zone);
  const empty = (i) => i.values.find((v) => !v.optional && String(draft.items[i.id]?.values?.[v.key] ?? '').trim() === '');
  const following = zone.slice(zone.indexOf(item) + 1).find((i) => draft.items[i.id]?.status !== 'na' && empty(i));
  if (following) openNumpad({ item: following.id, key: empty(following).key }); else closeNumpad();
}

document.querySelector('.np-keys').addEventListener('click', (e) => { const k = e.target.closest('button')?.dataset.k; if (k) numpadKey(k); });
document.addEventListener('keydown', (e) => {
  if (!numpadTarget || e.target.matches('input')) return;
  if (/^[0-9.]$/.test(e.key)) numpadKey(e.key);
  else if (e.key === '-') numpadKey('-');
  else if (e.key === 'Backspace') numpadKey('back');
  else if (e.key === 'Enter') numpadKey('ok');
  else if (e.key === 'Escape') closeNumpad();
  else return;
  e.preventDefault();
});

// MARK: - Photo: downscaled on the tablet before it is stored

let photoItem = null;
function takePhoto(itemID) { photoItem = itemID; $('photo-input').value = ''; $('photo-input').click(); }

$('photo-input').addEventListener('change', async () => {
  const file = $('photo-input').files[0];
  if (!file || !photoItem || !draft) return;
  try {
    const img = await createImageBitmap(file);
    const scale = Math.min(1, 1024 / Math.max(img.width, img.height));
    const c = document.createElement('canvas');
    c.width = Math.round(img.width * scale); c.height = Math.round(img.height * scale);
    c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
    itemState(photoItem).photo = c.toDataURL('image/jpeg', 0.7);
    saveDraft(); rerenderItem(photoItem);
  } catch { alert(t('无法读取这张照片', 'This photo cannot be read')); }
});

// MARK: - Submit

function submissionBody() {
  const items = template.items.filter((i) => draft.items[i.id]?.status).map((i) => {
    const st = draft.items[i.id];
    const values = {};
    for (const [k, raw] of Object.entries(st.values || {})) { const n = toNumber(raw); values[k] = n === null ? raw : n; }
    const decided = ['advise', 'urgent'].includes(itemStatus(i, st)) && st.decision;
    const yuan = (v) => (v === undefined || v === '' ? null : Number(v));
    return { id: i.id, status: st.status, values, advice: st.advice || null, note: st.note || null, photo: st.photo || null,
      decision: decided ? st.decision : null, parts_yuan: decided ? yuan(st.parts_yuan) : null,
      labour_yuan: decided ? yuan(st.labour_yuan) : null };
  });
  const paper = draft.paper || {};
  return {
    client_id: draft.client_id, invitee_id: draft.invitee_id,
    vehicle: { plate: draft.vehicle.plate, vin: draft.vehicle.vin, model: draft.vehicle.model || null,
      mileage_km: draft.vehicle.mileage_km === '' ? null : Number(draft.vehicle.mileage_km) },
    // A guest from the list: the laptop has their phone (the technician sees it masked, issue 23), so none is sent.
    customer: { name: draft.customer.name, phone: draft.invitee_id ? null : draft.customer.phone }, technician: draft.technician,
    items, signature_png: draft.signature,
    gift: !!paper.gift, sticker: !!paper.sticker, consent_hq_call: !!paper.consent,
  };
}

async function submit() {
  const body = submissionBody();
  const item = { nonce: body.client_id, path: '/api/inspections', body, draft,
    label: `${draft.vehicle.plate || draft.vehicle.vin} ${draft.customer.name}`, at: new Date().toISOString() };
  // The draft moves into the outbox first, then leaves the draft slot, so a reload finds it in one of the two places.
  outbox.remove(item.nonce);
  outbox.add(item);
  draft = null; saveDraft();
  $('done').dataset.client = item.body.client_id;
  $('done-title').textContent = t('正在提交…', 'Sending…');
  $('done-detail').textContent = item.label;
  $('report-link').classList.add('hidden');
  showScreen('done');
  renderPending();
  const result = await outbox.send(item);
  if (result.verdict === KEPT) {
    if (result.why === 'offline') setOnline(false);
    $('done-title').textContent = result.why === 'storage'
      ? t('笔记本暂时无法保存（见顶部红条），已保存在平板上，恢复后自动提交', 'The laptop cannot save right now (see the red bar); kept on this tablet and sent when it can')
      : t('已保存在平板上，网络恢复后自动提交', 'Saved on this tablet: it is sent automatically when the Wi-Fi is back');
    return;
  }
  if (result.verdict === REFUSED) {
    // Refused as it is: back to the form with the server's list (a photo too large says so too).
    outbox.remove(item.nonce);
    draft = { ...item.draft, tab: 'finish' }; saveDraft();
    showScreen('form'); render();
    $('submit-msg').textContent = whyRefused(result.answer);
    return;
  }
  settle(item, result);
}

function showStored(inspection) {
  $('done-title').textContent = t(`已提交 ✓ 检查单 #${inspection.id}`, `Stored ✓ inspection #${inspection.id}`);
  $('done-detail').textContent = t(`紧急 ${inspection.red_count} 项，建议 ${inspection.yellow_count} 项`,
    `${inspection.red_count} urgent, ${inspection.yellow_count} to advise`);
  $('report-link').href = `/inspections/${inspection.id}/report`;
  $('report-link').classList.remove('hidden');
}

// MARK: - Events

document.body.addEventListener('click', async (e) => {
  const b = e.target.closest('button, li');
  if (!b) return;
  const d = b.dataset;
  if (d.guest) { begin(JSON.parse(d.guest)); return; }
  if (d.tab) { go(d.tab); return; }
  if (d.mileage !== undefined) { openNumpad({ field: 'mileage' }); return; }
  if (d.val) { const [item, key] = d.val.split(':'); openNumpad({ item, key }); return; }
  if (d.status) {
    const [id, s] = d.status.split(':');
    itemState(id).status = s; saveDraft(); rerenderItem(id);
    if (s === 'advise' || s === 'urgent') $(`item-${id}`)?.querySelector('.advice')?.scrollIntoView({ block: 'nearest' });
    const item = template.items.find((i) => i.id === id);
    const firstEmpty = s !== 'na' && item.values.find((v) => !v.optional && !(draft.items[id].values[v.key] ?? '').toString().trim());
    if (firstEmpty) openNumpad({ item: id, key: firstEmpty.key });
    return;
  }
  if (d.advice) { itemState(d.advice).advice = d.text; saveDraft(); rerenderItem(d.advice); renderPadExtras(); return; }
  if (d.npAdvice !== undefined && numpadTarget?.item) {
    const id = numpadTarget.item;
    itemState(id).advice = d.npAdvice; saveDraft(); rerenderItem(id);
    nextValue(); // the advice is the answer to this value: go on as OK would
    return;
  }
  if (d.photo) { takePhoto(d.photo); return; }
  if (d.unphoto) { delete itemState(d.unphoto).photo; saveDraft(); rerenderItem(d.unphoto); return; }
  if (d.allOk) {
    for (const i of template.items.filter((x) => x.zone === d.allOk)) if (!draft.items[i.id]?.status) itemState(i.id).status = 'ok';
    const all = tabs();
    go(all[Math.min(all.length - 1, all.indexOf(d.allOk) + 1)]); // and on to the next zone
    return;
  }
  if (d.goto) { go(d.goto); return; }
  if (d.gotoItem) { const item = template.items.find((i) => i.id === d.gotoItem); go(item.zone); $(`item-${item.id}`)?.scrollIntoView({ block: 'center' }); $(`item-${item.id}`)?.classList.add('flag'); return; }
  if (d.reopen) {
    const it = queue().find((x) => x.body.client_id === d.reopen);
    if (!it || (loadDraft() && !confirm(t('放弃当前未完成的检查？', 'Discard the current unfinished check?')))) return;
    outbox.remove(d.reopen);
    draft = { ...it.draft, tab: 'finish' }; saveDraft(); await loadPrevious(); showScreen('form'); render();
    return;
  }
  if (b.id === 'sig-clear') { pad?.clear(); return; }
  if (d.decide) {
    const st = itemState(d.decide);
    st.decision = st.decision === d.decision ? null : d.decision;
    saveDraft(); renderFinish(); return;
  }
  if (b.id === 'submit') { submit(); }
});

document.body.addEventListener('input', (e) => {
  const el = e.target;
  if (!draft) return;
  if (el.dataset.f) {
    const [a, b] = el.dataset.f.split('.');
    if (b) draft[a][b] = el.value; else draft[a] = el.value;
  } else if (el.dataset.adviceText) {
    itemState(el.dataset.adviceText).advice = el.value;
    document.querySelectorAll(`[data-advice="${el.dataset.adviceText}"]`).forEach((x) => x.classList.toggle('on', x.dataset.text === el.value));
  } else if (el.dataset.note) itemState(el.dataset.note).note = el.value;
  else if (el.dataset.amount) itemState(el.dataset.amount)[el.dataset.key] = el.value;
  else return;
  saveDraft();
});
document.body.addEventListener('change', async (e) => {
  if (draft && e.target.dataset.paper) {
    draft.paper = { ...(draft.paper || {}), [e.target.dataset.paper]: e.target.checked };
    saveDraft();
    if (e.target.dataset.paper === 'consent') renderFinish();
    return;
  }
  if (draft && (e.target.dataset.f === 'vehicle.plate' || e.target.dataset.f === 'vehicle.vin')) { await loadPrevious(); }
});

$('prev').addEventListener('click', () => { const all = tabs(); go(all[Math.max(0, all.indexOf(draft.tab) - 1)]); });
$('next').addEventListener('click', () => { const all = tabs(); go(all[Math.min(all.length - 1, all.indexOf(draft.tab) + 1)]); });
$('find').addEventListener('submit', async (e) => {
  e.preventDefault();
  const q = $('q').value.trim();
  if (!q) return;
  try {
    const res = await api(`/api/invitees?q=${encodeURIComponent(q)}&limit=20`);
    const items = res.items || res;
    $('found').innerHTML = items.map(pickButton).join('') || `<p class="muted">${esc(t('没有找到，可按“未邀约车辆”录入', 'Nothing found: use "New car"'))}</p>`;
  } catch (err) { $('found').textContent = err.message; }
});
$('new-car').addEventListener('click', () => begin(null));
$('resume').addEventListener('click', async () => { draft = loadDraft(); await loadPrevious(); showScreen('form'); render(); });
$('discard').addEventListener('click', () => {
  if (confirm(t('确定放弃这份未完成的检查？', 'Really discard this unfinished check?'))) { draft = null; saveDraft(); showScreen('start'); }
});
$('again').addEventListener('click', () => showScreen('start'));

// MARK: - Start

async function start() {
  if (!me) return;
  $('who').textContent = me.name;
  // The zone bar sticks just under the header, whatever height the header wraps to.
  const headerHeight = () => document.documentElement.style.setProperty('--header-h', `${document.querySelector('header.top').offsetHeight}px`);
  headerHeight(); window.addEventListener('resize', headerHeight);
  langSwitch($('lang'), () => { if (draft) render(); else showScreen('start'); });
  try { template = await api('/api/inspection/template'); } catch (e) {
    $('start').innerHTML = `<p class="error">${esc(t('无法读取检查模板：', 'Cannot load the inspection template: '))}${esc(e.message)}</p>`; return;
  }
  renderPending();
  // A reload mid-check goes straight back to where the technician was.
  draft = loadDraft();
  if (draft) { await loadPrevious(); showScreen('form'); render(); } else showScreen('start');
  flush();
}
start();
