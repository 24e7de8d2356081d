import { api, upload, download, requireRole, esc, inLanguage } from './api.js';
import { langSwitch, t, roleName } from './i18n.js';

const me = requireRole('admin');

// MARK: - Import

const fileInput = document.getElementById('csv-file');
const importBtn = document.getElementById('import-btn');
const progress = document.getElementById('import-progress');
const result = document.getElementById('import-result');
fileInput.addEventListener('change', () => { importBtn.disabled = !fileInput.files.length; });

importBtn.addEventListener('click', async () => {
  const file = fileInput.files[0];
  if (!file) return;
  importBtn.disabled = true;
  progress.classList.remove('hidden');
  const bar = progress.firstElementChild;
  bar.style.width = '0';
  result.innerHTML = `<p class="muted">${t('正在导入…', 'Importing…')}</p>`;
  try {
    const r = await upload('/api/invitees/import', file, 'text/csv', (p) => { bar.style.width = `${Math.round(p * 100)}%`; });
    bar.style.width = '100%';
    const rows = r.rejected.map((x) => `<tr><td>${x.line}</td><td>${esc(x.reason)}</td></tr>`).join('');
    result.innerHTML = `
      <p class="ok" id="import-summary">${t(`新增 ${r.imported} 位，更新 ${r.updated} 位，未导入 ${r.rejected.length} 行`,
        `${r.imported} added, ${r.updated} updated, ${r.rejected.length} rows rejected`)}
        <span class="muted">(${esc(r.encoding)})</span></p>
      ${r.rejected.length ? `<table id="rejected"><thead><tr><th>${t('行号', 'Line')}</th><th>${t('原因', 'Reason')}</th></tr></thead><tbody>${rows}</tbody></table>` : ''}`;
    loadInvitees();
  } catch (err) {
    result.innerHTML = `<p class="error" id="import-error">${esc(err.message)}</p>`;
  } finally {
    importBtn.disabled = !fileInput.files.length;
  }
});

// MARK: - Invitees

const search = document.getElementById('search');
let searchTimer;
search.addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(loadInvitees, 250); });

const PAGE = 50;
let offset = 0;
search.addEventListener('input', () => { offset = 0; });
document.getElementById('page-prev').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); loadInvitees(); });
document.getElementById('page-next').addEventListener('click', () => { offset += PAGE; loadInvitees(); });
const hhmm = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });

async function loadInvitees() {
  const q = search.value.trim();
  try {
    const page = await api(`/api/invitees?limit=${PAGE}&offset=${offset}${q ? `&q=${encodeURIComponent(q)}` : ''}`);
    if (!q) document.getElementById('invitee-count').textContent = page.total;
    shown = page.items;
    document.getElementById('page-where').textContent = page.total
      ? t(`第 ${offset + 1}–${offset + page.items.length} 位，共 ${page.total} 位`,
        `${offset + 1}–${offset + page.items.length} of ${page.total}`) : '';
    document.getElementById('page-prev').disabled = offset === 0;
    document.getElementById('page-next').disabled = offset + page.items.length >= page.total;
    document.getElementById('invitee-rows').innerHTML = page.items.map((i) => `
      <tr data-id="${i.id}"><td><strong>${esc(i.name)}</strong><br><small>${esc(i.phone)}</small></td>
      <td>${esc(i.plate || '—')}<br><small>${esc(i.model || '')}</small></td>
      <td>${esc(i.consultant || '')}</td><td>${i.party_size}</td>
      <td class="arrived">${i.arrived_at ? `<span class="badge ok">✓ ${esc(hhmm(i.arrived_at))}</span>` : ''}
        ${i.status === 'revoked' ? `<span class="badge bad">${t('已取消', 'Cancelled')}</span>`
    : i.walk_in ? `<span class="badge">${t('现场', 'Walk-in')}</span>` : ''}</td>
      <td><div class="actions"><a href="/c/${esc(i.code)}" target="_blank">${t('邀请函', 'Card')}</a>
        <button class="secondary" data-act="edit">${t('修改', 'Edit')}</button>
        <button class="secondary" data-act="reissue">${t('换码', 'New code')}</button>
        ${i.status === 'revoked' ? `<button class="secondary" data-act="restore">${t('恢复', 'Restore')}</button>`
          : `<button class="danger" data-act="revoke">${t('取消邀请', 'Cancel')}</button>`}
        ${i.arrived_at ? `<button class="secondary" data-act="party">${t('改到场人数', 'Party size')}</button>
          <button class="danger" data-act="undo">${t('撤销签到', 'Undo check-in')}</button>` : ''}</div></td></tr>`).join('')
      || `<tr><td colspan="6" class="muted">${t('没有来宾', 'No invitees')}</td></tr>`;
  } catch (err) {
    document.getElementById('invitee-rows').innerHTML = `<tr><td colspan="6" class="error">${esc(err.message)}</td></tr>`;
  }
}

// MARK: - One invitee: edit, new code, cancel, restore

let shown = [];
let editing = null;
const dialog = document.getElementById('invitee-dialog');
const field = (id) => document.getElementById(id);

document.getElementById('invitee-rows').addEventListener('click', async (e) => {
  const act = e.target.dataset.act;
  if (!act) return;
  const guest = shown.find((i) => String(i.id) === e.target.closest('tr').dataset.id);
  if (act === 'edit') {
    editing = guest;
    field('ed-name').value = guest.name; field('ed-phone').value = guest.phone; field('ed-plate').value = guest.plate || '';
    field('ed-model').value = guest.model || ''; field('ed-consultant').value = guest.consultant || ''; field('ed-party').value = guest.party_size;
    field('invitee-msg').textContent = '';
    dialog.showModal();
    return;
  }
  if (act === 'party' || act === 'undo') { await fixCheckIn(guest, act); return; }
  const ask = { reissue: t(`给 ${guest.name} 换一个新签到码？旧邀请函将作废，需要重新发送。`, `Give ${guest.name} a new code? The old card stops working; send the new one.`),
    revoke: t(`取消 ${guest.name} 的邀请？其二维码将无法签到。`, `Cancel ${guest.name}'s invitation? Their QR code will no longer check in.`),
    restore: t(`恢复 ${guest.name} 的邀请？`, `Restore ${guest.name}'s invitation?`) }[act];
  if (!confirm(ask)) return;
  try {
    await api(`/api/invitees/${guest.id}/${act}`, { method: 'POST' });
    loadInvitees();
    document.dispatchEvent(new CustomEvent('invitees-changed'));
  } catch (err) { alert(err.message); }
});

/** The admin's fix of a check-in at any time (the greeter has 15 minutes at the door): its party size, or an undo. */
async function fixCheckIn(guest, act) {
  try {
    const here = (await api('/api/checkins?limit=10000')).find((a) => a.invitee.id === guest.id);
    if (!here) { alert(t('找不到这位来宾的签到记录', 'No check-in found for this guest')); return; }
    if (act === 'party') {
      const typed = prompt(t(`${guest.name} 实际到场几人？（现为 ${here.checkin.party_size} 人）`,
        `How many came with ${guest.name}? (now ${here.checkin.party_size})`), String(here.checkin.party_size));
      if (typed === null) return;
      const size = /^\d+$/.test(typed.trim()) ? Number(typed.trim()) : -1;  // anything else is refused by the laptop, in words
      await api(`/api/checkins/${here.checkin.id}`, { method: 'PATCH', body: { party_size: size } });
    } else {
      if (!confirm(t(`撤销 ${guest.name} 的签到？会记入日志。`, `Undo ${guest.name}'s check-in? It is recorded in the log.`))) return;
      await api(`/api/checkins/${here.checkin.id}`, { method: 'DELETE' });
    }
    loadInvitees();
  } catch (err) { alert(err.message); }
}

document.getElementById('ed-cancel').addEventListener('click', () => dialog.close());
document.getElementById('invitee-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const party = field('ed-party').value.trim();
  try {
    await api(`/api/invitees/${editing.id}`, { method: 'PATCH', body: {
      name: field('ed-name').value, phone: field('ed-phone').value, plate: field('ed-plate').value, model: field('ed-model').value,
      consultant: field('ed-consultant').value, party_size: /^\d+$/.test(party) ? Number(party) : -1 } });
    dialog.close();
    loadInvitees();
  } catch (err) { field('invitee-msg').textContent = err.message; }
});

document.getElementById('export-sms').addEventListener('click', async () => {
  const notice = await download('/api/invitees/export.csv', 'invitees-sms.csv');
  const el = document.getElementById('sms-notice');
  el.textContent = notice ? inLanguage(notice) : '';
  el.classList.toggle('hidden', !notice);
});

// MARK: - Messages: an old error goes with the next action (a button pressed; Enter in a form presses its button too)

function clearMessages() {
  document.querySelectorAll('[data-flash]').forEach((el) => {
    if (el.classList.contains('error')) el.textContent = '';
    el.querySelectorAll('.error').forEach((x) => x.remove());
  });
  const problems = document.getElementById('event-problems');
  problems.classList.add('hidden'); problems.innerHTML = '';
}
document.addEventListener('click', (e) => { if (e.target.closest('button, a.button')) clearMessages(); }, true);

// MARK: - Staff

/** PINs set on this page, kept only in memory until printed once: the server keeps hashes, never a PIN. */
let pinSheet = [];
/** What each slip says besides the PIN: the event, and the address staff devices open (a LAN address, never this
 * laptop's localhost, issue 24). */
let slipFooter = '';
(async () => {
  try {
    const [event, setup] = await Promise.all([api('/api/event'), api('/api/device-setup')]);
    const lan = (setup.addresses || []).includes(location.hostname) ? location.hostname : (setup.addresses || [])[0];
    slipFooter = [event.name, lan ? `http://${lan}:${setup.http_port}/` : ''].filter(Boolean).join(' · ');
  } catch { slipFooter = ''; }
})();
function renderPinSheet() {
  document.getElementById('pin-sheet-row').classList.toggle('hidden', !pinSheet.length);
  document.getElementById('print-pins').textContent = t(`打印 PIN 单（${pinSheet.length} 人）`, `Print the PIN slips (${pinSheet.length})`);
  const title = t('员工 PIN 单（沿虚线剪开，各自保管）', 'Staff PINs (cut along the lines; each keeps their own)');
  document.getElementById('pin-sheet').innerHTML = `<h2>${esc(title)}</h2>`
    + pinSheet.map((p) => `<div class="slip"><span>${esc(p.name)}</span><span>${esc(roleName(p.role))}</span>
      <span>PIN <b>${esc(p.pin)}</b></span><span class="muted">${esc(slipFooter)}</span></div>`).join('');
}
function keepPin(name, role, pin) { pinSheet = [...pinSheet.filter((p) => p.name !== name), { name, role, pin }]; renderPinSheet(); }
document.getElementById('print-pins').addEventListener('click', () => {
  document.body.classList.add('printing-pins');
  window.print();
  document.body.classList.remove('printing-pins');
  // A page cannot tell a printed sheet from a cancelled print dialog: the admin says which (issue 24).
  if (!confirm(t('PIN 单打印好了吗？点“确定”后会从本页清除；没打印出来请点“取消”，可再打印。',
    'Did the PIN slips print? OK wipes them from this page; Cancel keeps them so you can print again.'))) return;
  pinSheet = []; renderPinSheet(); // handed out once: gone from the page
  const msg = document.getElementById('staff-msg');
  msg.className = 'ok'; msg.textContent = t('PIN 单已打印，已从本页清除', 'The PIN slips were printed and wiped from this page');
});

/** A random PIN of the length the role needs (6 digits, 8 for an admin), from the browser's secure random source. */
function randomPin(role) {
  const digits = crypto.getRandomValues(new Uint32Array(role === 'admin' ? 8 : 6));
  return [...digits].map((d) => d % 10).join('');
}
document.getElementById('staff-random').addEventListener('click', () => {
  document.getElementById('staff-pin').value = randomPin(document.getElementById('staff-role').value);
});

let staffList = [];
async function loadStaff() {
  const staff = await api('/api/staff');
  staffList = staff;
  document.getElementById('staff-rows').innerHTML = staff.map((s) => `
    <tr><td>${esc(s.name)}</td><td>${esc(roleName(s.role))}</td>
    <td><div class="actions"><button class="secondary" data-pin="${s.id}">${t('改 PIN', 'New PIN')}</button>
      ${s.builtin ? '' : `<button class="danger" data-remove="${s.id}">${t('删除', 'Remove')}</button>`}</div></td></tr>`).join('');
}

document.getElementById('staff-rows').addEventListener('click', async (e) => {
  if (e.target.dataset.pin) {
    const who = staffList.find((s) => String(s.id) === e.target.dataset.pin);
    const pin = prompt(t('新的 PIN（6–12 位数字；管理员 8–12 位）：', 'New PIN (6-12 digits; admin 8-12):'), randomPin(who?.role));
    if (pin === null) return;
    const msg = document.getElementById('staff-msg');
    try {
      const s = await api(`/api/staff/${e.target.dataset.pin}/pin`, { method: 'PUT', body: { pin } });
      msg.className = 'ok'; msg.textContent = t(`${s.name} 的 PIN 已更换，需重新登录`, `${s.name}'s PIN was changed; they sign in again`);
      keepPin(s.name, s.role, pin);
    } catch (err) { msg.className = 'error'; msg.textContent = err.message; }
    return;
  }
  const id = e.target.dataset.remove;
  if (!id || !confirm(t('确定删除这位员工？', 'Remove this staff member?'))) return;
  try { await api(`/api/staff/${id}`, { method: 'DELETE' }); loadStaff(); } catch (err) { alert(err.message); }
});

document.getElementById('staff-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const msg = document.getElementById('staff-msg');
  try {
    const s = await api('/api/staff', { method: 'POST', body: {
      name: document.getElementById('staff-name').value, role: document.getElementById('staff-role').value,
      pin: document.getElementById('staff-pin').value } });
    msg.className = 'ok'; msg.textContent = t(`已添加 ${s.name}`, `Added ${s.name}`);
    keepPin(s.name, s.role, document.getElementById('staff-pin').value);
    e.target.reset(); loadStaff();
  } catch (err) { msg.className = 'error'; msg.textContent = err.message; }
});

// MARK: - Wheel stock: warn before it runs out

async function checkStock() {
  try {
    const w = await api('/api/wheel');
    const left = w.prizes.reduce((n, p) => n + p.remaining, 0);
    const el = document.getElementById('stock-warning');
    el.classList.toggle('hidden', left >= w.unspun_orders);
    el.textContent = t(`转盘奖品只剩 ${left} 件，但还有 ${w.unspun_orders} 张订单未转盘：请补充库存`,
      `Only ${left} wheel prizes are left for ${w.unspun_orders} orders still to spin: add stock`);
  } catch { /* the warning is a convenience */ }
}

if (me) {
  checkStock(); setInterval(checkStock, 30000);
  const who = () => { document.getElementById('who').textContent = `${me.name} · ${roleName(me.role)}`; };
  who();
  langSwitch(document.getElementById('lang'), () => { who(); loadStaff(); loadInvitees(); document.dispatchEvent(new CustomEvent('lang-changed')); });
  loadInvitees(); loadStaff();
}
