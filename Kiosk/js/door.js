import { session, requireRole, esc, uuid, storageTrouble, readOnlyNotice } from './api.js';
import { langSwitch, t, applyLang } from './i18n.js';
import { connectLive } from './live.js';

// MARK: - State

const me = requireRole('greeter');
const QUEUE_KEY = 'kiosk.door.queue';
const DOOR_KEY = 'kiosk.door.name';
const $ = (id) => document.getElementById(id);
const scan = $('scan');
let door = localStorage.getItem(DOOR_KEY) || '';
let partySize = null;
let status = null;
let lastOk = null;
let hideTimer = null;
let flushing = false;

// MARK: - Offline queue: every scan keeps its nonce until the server has answered it.

const queue = () => { try { return JSON.parse(localStorage.getItem(QUEUE_KEY) || '[]'); } catch { return []; } };
const saveQueue = (q) => { localStorage.setItem(QUEUE_KEY, JSON.stringify(q)); renderPending(); };
const enqueue = (item) => { const q = queue(); if (!q.some((x) => x.body.nonce === item.body.nonce)) { q.push(item); saveQueue(q); } };
const dequeue = (nonce) => saveQueue(queue().filter((x) => x.body.nonce !== nonce));

function renderPending() {
  const q = queue();
  const box = $('pending');
  box.classList.toggle('hidden', q.length === 0);
  box.innerHTML = q.length ? `${esc(t(`${q.length} 条签到待发送（联网后自动提交）`, `${q.length} check-in(s) waiting to be sent (sent automatically when back online)`))}
    <ul>${q.map((x) => `<li>${esc(x.label)} · ${esc(new Date(x.at).toLocaleTimeString([], { hour12: false }))}</li>`).join('')}</ul>` : '';
}

/** The laptop answered but could not save (disk full, read-only folder): shown instead of "cannot reach". */
let lastTrouble = null;

/** Sends one queued item. Returns the answer, or null when the laptop could not be reached (the item stays queued). */
async function send(item) {
  let res;
  try {
    res = await fetch(item.path, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${session()?.token}` },
      body: JSON.stringify(item.body) });
  } catch { setOnline(false); return null; }
  setOnline(true);
  lastTrouble = null;
  if (res.status >= 500 || res.status === 401 || res.status === 429) {
    if (res.status >= 500) {
      const body = await res.json().catch(() => null);
      storageTrouble(body);
      if (body && (body.error === 'disk_full' || body.error === 'storage_read_only')) lastTrouble = body;
    }
    if (res.status === 401) showResult('bad', t('请重新登录', 'Please sign in again'), '', t('扫码已暂存', 'The scan is kept'));
    return null; // not answered for this guest: keep it and try again
  }
  const data = await res.json().catch(() => ({}));
  storageTrouble(data);
  dequeue(item.body.nonce);
  return { status: res.status, data };
}

/** Tells the greeter what became of a scan that waited in the queue. */
function notifySent(item, answer) {
  const el = $('sent');
  const what = { 201: t('已签到 ✓', 'checked in ✓'), 409: t('此前已签到', 'was already checked in'), 404: t('查无此码', 'unknown code'),
    410: t('邀请已取消', 'invitation cancelled') }[answer.status] || (answer.data.message || `HTTP ${answer.status}`);
  el.textContent = `${t('已补发', 'Sent')}: ${item.label} — ${what}`;
  el.classList.remove('hidden');
}

async function flush() {
  if (flushing || !queue().length) return;
  flushing = true;
  try {
    for (const item of queue()) {
      const answer = await send(item);
      if (!answer) break;
      if (answer.status === 201) refreshCounts();
      notifySent(item, answer);
    }
  } finally { flushing = false; }
}
setInterval(flush, 3000);
window.addEventListener('online', flush);

// MARK: - Scanning

async function submit(path, body, label) {
  const item = { path, body, label, at: new Date().toISOString() };
  enqueue(item); // kept until answered, so a crash or reload mid-request loses nothing
  const answer = await send(item);
  if (!answer) {
    showResult('pending', t('已暂存', 'Saved'), label, lastTrouble
      ? t('笔记本暂时无法保存（见顶部红条），扫码已暂存，恢复后自动提交', 'The laptop cannot save right now (see the red bar); the scan is kept and sent when it can')
      : t('连不上服务器，联网后自动提交', 'Cannot reach the laptop; it will be sent when the connection is back'));
    return;
  }
  show(answer);
}

function checkIn(code, label) {
  if (!door) { showResult('bad', t('请先选择门口', 'Choose the door first'), '', ''); return; }
  const body = { code, door, nonce: uuid() };
  if (partySize) body.party_size = partySize;
  partySize = null; renderParty();
  submit('/api/checkins', body, label || code.slice(0, 24));
}

$('scan-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const code = scan.value.trim();
  scan.value = '';
  if (code) checkIn(code);
});

function show({ status: code, data }) {
  const inv = data.invitee || {};
  const consultant = inv.consultant ? t(`顾问：${inv.consultant}`, `Consultant: ${inv.consultant}`) : '';
  if (code === 201) {
    lastOk = data.checkin;
    const people = t(`${data.checkin.party_size} 人`, `party of ${data.checkin.party_size}`);
    showResult('ok', t('签到成功 ✓', 'Welcome ✓'), inv.name, [consultant, people].filter(Boolean).join(' · '), true);
    refreshCounts();
  } else if (code === 409) {
    const when = data.first_at ? new Date(data.first_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false }) : '';
    showResult('already', t('已经签到过', 'Already checked in'), inv.name || '', t(`${when} 于 ${data.door || ''} 签到`, `at ${when}, ${data.door || ''}`) + (consultant ? `\n${consultant}` : ''));
  } else if (code === 404) {
    showResult('bad', t('查无此码', 'Unknown code'), '', t('请用姓名或手机后四位查找，或现场登记', 'Look the guest up by name or phone, or register a walk-in'));
  } else if (code === 410) {
    showResult('bad', t('邀请已取消', 'Invitation cancelled'), inv.name || '', t('请联系销售顾问', 'Please call the consultant'));
  } else {
    showResult('bad', t('无法签到', 'Cannot check in'), '', data.message || `HTTP ${code}`);
  }
}

// MARK: - The answer, full screen, with a sound

function showResult(kind, title, name, detail, undoable = false) {
  const box = $('result');
  box.className = `result ${kind}`;
  $('result-title').textContent = title;
  $('result-name').textContent = name || '';
  $('result-detail').textContent = detail || '';
  let undo = box.querySelector('.undo');
  if (undo) undo.remove();
  if (undoable && lastOk) {
    undo = document.createElement('button');
    undo.className = 'secondary undo'; undo.type = 'button'; undo.textContent = t('撤销这次签到', 'Undo this check-in');
    const id = lastOk.id;
    undo.addEventListener('click', async (e) => { e.stopPropagation(); await undoCheckIn(id); });
    box.querySelector('.result-box').appendChild(undo);
  }
  beep(kind);
  clearTimeout(hideTimer);
  hideTimer = setTimeout(hideResult, kind === 'ok' ? 3000 : 6000);
  scan.focus();
}
function hideResult() { $('result').classList.add('hidden'); scan.focus(); }
$('result').addEventListener('click', hideResult);

async function undoCheckIn(id) {
  const res = await fetch(`/api/checkins/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${session()?.token}` } }).catch(() => null);
  const data = res ? await res.json().catch(() => ({})) : { message: t('连不上服务器', 'Cannot reach the laptop') };
  if (res && res.ok) { showResult('already', t('已撤销', 'Undone'), '', ''); refreshCounts(); }
  else showResult('bad', t('无法撤销', 'Cannot undo'), '', data.message || '');
}

let audio;
function beep(kind) {
  try {
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    const tones = { ok: [[880, 0.12]], already: [[660, 0.1], [660, 0.1]], bad: [[220, 0.35]], pending: [[440, 0.15]] }[kind] || [];
    let at = audio.currentTime;
    for (const [freq, len] of tones) {
      const o = audio.createOscillator(); const g = audio.createGain();
      o.frequency.value = freq; g.gain.value = 0.2;
      o.connect(g).connect(audio.destination); o.start(at); o.stop(at + len); at += len + 0.08;
    }
  } catch { /* no sound available */ }
}

// MARK: - Focus: the scan field is always ready for the handheld scanner

const typingElsewhere = () => { const a = document.activeElement; return a && a !== scan && a.closest('#walkin-form, #search, select, .party-row'); };
setInterval(() => { if (!typingElsewhere() && document.activeElement !== scan) scan.focus(); }, 500);
scan.addEventListener('blur', () => setTimeout(() => { if (!typingElsewhere()) scan.focus(); }, 50));

// MARK: - Party size

function renderParty() { $('party').textContent = partySize ?? '—'; }
$('party-minus').addEventListener('click', () => { partySize = partySize && partySize > 1 ? partySize - 1 : null; renderParty(); scan.focus(); });
$('party-plus').addEventListener('click', () => { partySize = Math.min((partySize || 0) + 1, 20); renderParty(); scan.focus(); });

// MARK: - Look-up

let searchTimer;
$('search').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(search, 250); });
async function search() {
  const q = $('search').value.trim();
  const list = $('results');
  if (!q) { list.innerHTML = ''; return; }
  try {
    const res = await fetch(`/api/invitees?limit=20&q=${encodeURIComponent(q)}`, { headers: { Authorization: `Bearer ${session()?.token}` } });
    const page = await res.json();
    list.innerHTML = (page.items || []).map((i) => `
      <li><span class="who"><strong>${esc(i.name)}</strong>
        <small>${esc(t('手机尾号', 'phone …'))}${esc(i.phone.slice(-4))} · ${esc(i.plate || '')} · ${esc(i.consultant || '')} · ${i.party_size}${esc(t('人', ' ppl'))}</small></span>
        <button type="button" data-code="${esc(i.code)}" data-name="${esc(i.name)}">${esc(t('签到', 'Check in'))}</button></li>`).join('')
      || `<li class="muted">${esc(t('没有找到，可现场登记', 'Nobody found: register a walk-in below'))}</li>`;
  } catch { list.innerHTML = `<li class="error">${esc(t('连不上服务器', 'Cannot reach the laptop'))}</li>`; }
}
$('results').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-code]');
  if (b) { checkIn(b.dataset.code, b.dataset.name); $('search').value = ''; $('results').innerHTML = ''; }
});

// MARK: - Walk-ins

$('walkin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!door) { showResult('bad', t('请先选择门口', 'Choose the door first'), '', ''); return; }
  const body = { name: $('w-name').value.trim(), phone: $('w-phone').value.trim(), door, nonce: uuid(),
    party_size: Number($('w-party').value) || 1 };
  const consultant = $('w-consultant').value.trim();
  if (consultant) body.consultant = consultant;
  const item = { path: '/api/walkins', body, label: `${body.name} (${t('现场登记', 'walk-in')})`, at: new Date().toISOString() };
  enqueue(item);
  const answer = await send(item);
  if (!answer) { showResult('pending', t('已暂存', 'Saved'), body.name, t('联网后自动提交', 'It will be sent when the connection is back')); e.target.reset(); return; }
  if (answer.status === 422 || answer.status === 400) { $('walkin-msg').className = 'error'; $('walkin-msg').textContent = answer.data.message; return; }
  $('walkin-msg').textContent = '';
  e.target.reset();
  show(answer);
});

// MARK: - Camera (BarcodeDetector where the browser has it)

$('camera-btn').addEventListener('click', async () => {
  const box = $('camera-box'); const msg = $('camera-msg');
  box.classList.remove('hidden');
  if (!('BarcodeDetector' in window)) {
    msg.textContent = t('此浏览器不支持摄像头扫码：请用扫码枪，或按姓名、手机后四位查找。', 'This browser cannot read QR codes with the camera: use a handheld scanner, or look the guest up by name or phone.');
    return;
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    const video = $('video'); video.srcObject = stream; await video.play();
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    let last = ''; let lastAt = 0;
    msg.textContent = t('请将二维码对准摄像头', 'Hold the QR code up to the camera');
    const tick = async () => {
      try {
        const codes = await detector.detect(video);
        const value = codes[0]?.rawValue;
        if (value && (value !== last || Date.now() - lastAt > 4000)) { last = value; lastAt = Date.now(); checkIn(value); }
      } catch { /* frame not ready */ }
      setTimeout(tick, 300);
    };
    tick();
  } catch (err) {
    msg.textContent = t('无法打开摄像头（需允许摄像头权限；部分浏览器仅在 HTTPS 下允许）。请用扫码枪或查找。',
      'The camera could not be opened (permission needed; some browsers allow it only over HTTPS). Use a scanner or look the guest up.');
  }
});

// MARK: - Counts, live updates, connection

function renderCounts() {
  if (status) $('counts').textContent = t(`已到 ${status.arrived} / 邀约 ${status.invited}`, `Arrived ${status.arrived} / invited ${status.invited}`);
}
async function refreshCounts() {
  try { const res = await fetch('/api/checkins/status'); readOnlyNotice(res); status = await res.json(); renderCounts(); setOnline(true); } catch { setOnline(false); }
}
function setOnline(on) {
  const c = $('conn');
  c.classList.toggle('offline', !on);
  c.textContent = on ? t('在线', 'Online') : t('离线', 'Offline');
}

/** Fills the door list; also when the admin renames or adds doors during the day (live `event`). */
function showDoors(doors) {
  const sel = $('door');
  sel.innerHTML = doors.map((d) => `<option>${esc(d)}</option>`).join('');
  if (!doors.includes(door)) door = doors[0];
  sel.value = door;
  localStorage.setItem(DOOR_KEY, door);
}

async function loadDoors() {
  const sel = $('door');
  try {
    showDoors((await (await fetch('/api/event')).json()).doors);
  } catch { if (door) sel.innerHTML = `<option>${esc(door)}</option>`; }
  sel.addEventListener('change', () => { door = sel.value; localStorage.setItem(DOOR_KEY, door); scan.focus(); });
}

if (me) {
  langSwitch($('lang'), () => { renderCounts(); renderPending(); });
  loadDoors();
  renderParty();
  renderPending();
  refreshCounts();
  flush();
  connectLive({
    status: (s) => { status = s; renderCounts(); },
    checkin: (e) => { status = e.status; renderCounts(); },
    checkin_undone: (e) => { status = e.status; renderCounts(); },
    event: (ev) => showDoors(ev.doors),
  }, (on) => { if (on) { setOnline(true); flush(); } });
  scan.focus();
}
