import { api, session, saveSession, clearSession, esc } from './api.js';
import { langSwitch, t, applyLang, roleName } from './i18n.js';

// Each job: the page it opens and the roles that may use it (admin may use all).
const JOBS = [
  { page: '/admin.html', icon: '管', zh: '活动管理', en: 'Admin', roles: ['admin'], hint: ['导入名单、员工、邀请函', 'Invitees, staff, invitations'] },
  { page: '/door.html', icon: '门', zh: '门口签到', en: 'Door check-in', roles: ['greeter'], hint: ['扫码、查找、现场登记', 'Scan, look up, walk-ins'] },
  { page: '/invite.html', icon: '约', zh: '邀约', en: 'Invitations', roles: ['sales'], hint: ['打电话、确认名单、当天提醒', 'Calls, the final list, reminders'] },
  { page: '/sales.html', icon: '售', zh: '销售下单', en: 'Sales orders', roles: ['sales'], hint: ['登记订单', 'Record orders'] },
  { page: '/mc.html', icon: '台', zh: '主持大屏', en: 'MC screen', roles: ['mc'], hint: ['实时订单与返利', 'Live orders and rebates'] },
  { page: '/wheel.html', icon: '奖', zh: '幸运大转盘', en: 'Lucky wheel', roles: ['mc', 'sales'], hint: ['转盘与抽奖', 'Wheel and grand draw'] },
  { page: '/inspect.html', icon: '检', zh: '21项安全检测', en: '21-item check', roles: ['technician'], hint: ['车间检测', 'Workshop check'] },
  { page: '/followups.html', icon: '访', zh: '检测回访', en: 'Follow-up calls', roles: ['technician'], hint: ['7天内电话回访、汇总表',
    'Calls within 7 days, weekly table'] },
  { page: '/revenue.html', icon: '收', zh: '营业收入分析', en: 'Workshop revenue', roles: ['technician'],
    hint: ['检测、维修决定与金额', 'Checks, repairs accepted, amounts'] },
  { page: '/complaints.html', icon: '待', zh: '今日待处理', en: 'To follow up today', roles: ['greeter', 'sales', 'mc', 'technician'],
    hint: ['低分评价与回电请求', 'Low ratings and call-back requests'] },
  { page: '/prizes.html', icon: '领', zh: '奖品发放', en: 'Prize desk', roles: ['mc'],
    hint: ['中奖名单，领取时打勾', 'Winners; tick when handed over'] },
  { page: '/report', icon: '表', zh: '活动报表', en: 'Report', roles: ['admin'], hint: ['当日汇总', 'End-of-day report'] },
];

const tiles = document.getElementById('tiles');
const dialog = document.getElementById('pin-dialog');
const pinInput = document.getElementById('pin');
const pinDisplay = document.getElementById('pin-display');
const pinError = document.getElementById('pin-error');
let chosen = null;
let available = new Set();

async function pageExists(path) {
  // A page that asks for a sign-in exists all the same: its tile opens the PIN pad.
  try { const r = await fetch(path, { method: 'HEAD' }); return r.ok || r.status === 401 || r.status === 403; } catch { return false; }
}

function render() {
  tiles.innerHTML = '';
  for (const job of JOBS) {
    const b = document.createElement('button');
    b.className = 'tile';
    b.type = 'button';
    b.dataset.page = job.page;
    const ready = available.has(job.page);
    b.setAttribute('aria-disabled', String(!ready));
    b.innerHTML = `<span class="icon" aria-hidden="true">${job.icon}</span><strong></strong><small></small>`;
    b.querySelector('strong').textContent = t(job.zh, job.en);
    b.querySelector('small').textContent = ready ? t(job.hint[0], job.hint[1]) : t('尚未开放', 'Not available yet');
    b.addEventListener('click', () => ready && choose(job));
    tiles.appendChild(b);
  }
  const s = session();
  document.getElementById('who').textContent = s ? `${s.name} · ${roleName(s.role)}` : '';
  document.getElementById('logout').classList.toggle('hidden', !s);
}

function choose(job) {
  chosen = job;
  const s = session();
  if (s && (s.role === 'admin' || job.roles.includes(s.role))) { location.href = job.page; return; }
  document.getElementById('pin-title').textContent = t(job.zh, job.en);
  pinInput.value = ''; showPin(); pinError.textContent = '';
  showNames(job);
  dialog.showModal();
  pinInput.focus();
}

/** "Pick your name, then type the PIN": the PIN is then checked against that one person only. */
let pickedStaff = null;
async function showNames(job) {
  pickedStaff = null;
  const box = document.getElementById('pin-names');
  box.innerHTML = '';
  let staff = [];
  try { staff = await api('/api/staff/names'); } catch { return; }
  const mine = staff.filter((s) => s.role === 'admin' || job.roles.includes(s.role));
  for (const s of mine) {
    const b = document.createElement('button');
    b.type = 'button'; b.className = 'secondary name-chip'; b.textContent = s.name; b.dataset.staff = s.id;
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', () => {
      pickedStaff = pickedStaff === s.id ? null : s.id;
      box.querySelectorAll('button').forEach((x) => x.setAttribute('aria-pressed', String(Number(x.dataset.staff) === pickedStaff)));
      pinInput.focus();
    });
    box.appendChild(b);
  }
}

function showPin() { pinDisplay.textContent = '●'.repeat(pinInput.value.length); }

function buildPad() {
  const pad = document.getElementById('pinpad');
  for (const k of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '⌫', '0', 'C']) {
    const b = document.createElement('button');
    b.type = 'button'; b.className = 'secondary'; b.textContent = k; b.dataset.key = k;
    b.addEventListener('click', () => {
      if (k === '⌫') pinInput.value = pinInput.value.slice(0, -1);
      else if (k === 'C') pinInput.value = '';
      else if (pinInput.value.length < 12) pinInput.value += k;
      showPin(); pinInput.focus();
    });
    pad.appendChild(b);
  }
  pinInput.addEventListener('input', () => { pinInput.value = pinInput.value.replace(/\D/g, '').slice(0, 12); showPin(); });
}

document.getElementById('pin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  pinError.textContent = '';
  try {
    const body = { pin: pinInput.value };
    if (pickedStaff) body.staff_id = pickedStaff;
    const r = await api('/api/login', { method: 'POST', body });
    saveSession({ token: r.token, role: r.role, name: r.name });
    if (r.role === 'admin' || chosen.roles.includes(r.role)) {
      const next = new URLSearchParams(location.search).get('next');
      location.href = next && next.startsWith('/') && !next.startsWith('//') ? next : chosen.page;
    } else {
      pinError.textContent = t(`您的岗位（${roleName(r.role)}）不能使用此页面`, `Your job (${roleName(r.role)}) cannot use this page`);
      render();
    }
  } catch (err) {
    pinInput.value = ''; showPin();
    pinError.textContent = err.message;
  }
});
document.getElementById('pin-cancel').addEventListener('click', () => dialog.close());
document.getElementById('logout').addEventListener('click', async () => {
  try { await api('/api/logout', { method: 'POST' }); } catch { /* signed out anyway */ }
  clearSession(); render();
});

async function init() {
  buildPad();
  langSwitch(document.getElementById('lang'), () => { render(); showAddresses(); });
  const checks = await Promise.all(JOBS.map((j) => pageExists(j.page)));
  available = new Set(JOBS.filter((_, i) => checks[i]).map((j) => j.page));
  render();
  try {
    const ev = await api('/api/event');
    document.getElementById('event-name').textContent = ev.name;
    document.getElementById('event-info').textContent = `${ev.date} ${ev.start_time || ''} · ${ev.venue} · ${ev.dealer}`;
    document.title = `${ev.name} · EventKiosk`;
  } catch { /* the tiles still work */ }
  showAddresses();
  try { document.getElementById('version').textContent = `EventKiosk ${(await api('/healthz')).version}`; } catch { /* no footer */ }
  applyLang();
}

/** Both addresses for the tablets: plain HTTP for everything, HTTPS for camera scanning, and the set-up page. */
async function showAddresses() {
  let info;
  try { info = await api('/api/device-setup'); } catch { return; }
  const host = (info.addresses || []).includes(location.hostname) ? location.hostname : (info.addresses || [])[0];
  if (!host) return;
  const http = `http://${host}:${info.http_port}/`;
  const https = info.https ? `https://${host}:${info.https_port}/door.html` : '';
  const el = document.getElementById('addresses');
  el.innerHTML = `${esc(t('平板/手机打开', 'Tablets and phones open'))} <strong>${esc(http)}</strong>`
    + (https ? ` · ${esc(t('摄像头扫码', 'camera scanning'))} <strong>${esc(https)}</strong>` : '')
    + ` · <a href="/setup.html">${esc(t('设置平板（活动前一次）', 'Set a tablet up (once)'))}</a>`;
  el.classList.remove('hidden');
}
init();
