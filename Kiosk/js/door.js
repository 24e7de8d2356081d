import { requireRole, esc, uuid, request, inLanguage } from './api.js';
import { langSwitch, t } from './i18n.js';
import { connectLive } from './live.js';
import { createOutbox, KEPT, REFUSED } from './outbox.js';
import { createRoster } from './roster.js';
import { startCamera, readPhoto } from './camera.js';

// MARK: - State

const me = requireRole('greeter');
const DOOR_KEY = 'kiosk.door.name';
const $ = (id) => document.getElementById(id);
const scan = $('scan');
let door = localStorage.getItem(DOOR_KEY) || '';
let partySize = null;
let status = null;
let lastOk = null;
let hideTimer = null;
let online = true;

// MARK: - Offline: every scan keeps its nonce until the laptop has answered it (outbox.js); while the laptop is
// out of reach the door answers from its copy of the guest list (roster.js) and says so.

const outbox = createOutbox('kiosk.door.queue', { onChange: () => renderPending() });
const roster = createRoster();
/** Scans answered locally and then answered differently by the laptop: the greeter should look at them. */
const differences = [];

function renderPending() {
  const q = outbox.items();
  const box = $('pending');
  box.classList.toggle('hidden', q.length === 0);
  box.innerHTML = q.length ? `${esc(t(`${q.length} 条签到待发送（联网后自动提交）`, `${q.length} check-in(s) waiting to be sent (sent automatically when back online)`))}
    <ul>${q.map((x) => `<li>${esc(x.label)} · ${esc(new Date(x.at).toLocaleTimeString([], { hour12: false }))}</li>`).join('')}</ul>` : '';
}

function renderDifferences() {
  const box = $('differences');
  box.classList.toggle('hidden', differences.length === 0);
  box.innerHTML = differences.length ? `<strong>${esc(t('离线时的签到，联网后结果不同，请留意：', 'Offline scans the laptop answered differently; please check:'))}</strong>
    <ul>${differences.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>
    <button type="button" class="secondary" id="differences-ok">${esc(t('知道了', 'Got it'))}</button>` : '';
  const ok = $('differences-ok');
  if (ok) ok.addEventListener('click', () => { differences.length = 0; renderDifferences(); scan.focus(); });
}

/** What the laptop said, in the words of the local answer, to compare the two. */
const kindOf = (status) => ({ 201: 'ok', 409: 'already', 404: 'unknown', 410: 'revoked', 400: 'invalid' }[status] || 'other');

let sentLog = [];
$('sent').addEventListener('click', () => { sentLog = []; $('sent').classList.add('hidden'); scan.focus(); });

/** Tells the greeter what became of a scan that waited, and lists it when the laptop saw it differently. */
function notifySent(item, result) {
  const answer = result.answer || { status: 0, data: {} };
  const el = $('sent');
  const what = result.verdict === REFUSED ? result.why : ({ 201: t('已签到 ✓', 'checked in ✓'), 409: t('此前已签到', 'was already checked in'),
    404: t('查无此码', 'unknown code'), 410: t('邀请已取消', 'invitation cancelled') }[answer.status]
    || inLanguage(answer.data.message) || `HTTP ${answer.status}`);
  // Every scan that waited is reported, not only the last (issue 24): the latest ten, and how many in all.
  sentLog.unshift({ text: `${item.label} — ${what}`, ok: answer.status === 201 });
  const sentCount = sentLog.length;
  el.innerHTML = `<strong>${esc(t(`已补发 ${sentCount} 条`, `${sentCount} sent`))}</strong>
    <ul>${sentLog.slice(0, 10).map((x) => `<li class="${x.ok ? '' : 'error'}">${esc(x.text)}</li>`).join('')}</ul>${sentCount > 10
    ? `<small>${esc(t(`另有 ${sentCount - 10} 条较早的`, `and ${sentCount - 10} earlier`))}</small>` : ''}`;
  el.classList.remove('hidden');
  if (item.local && item.local !== kindOf(answer.status)) {
    const where = answer.data.door ? ` (${answer.data.door})` : '';
    differences.push(`${item.label}: ${t('离线显示', 'offline said')} ${localWord(item.local)} → ${t('实际', 'actually')} ${what}${where}`);
    renderDifferences();
  }
  if (answer.status === 201) refreshCounts();
}
const localWord = (kind) => ({ ok: t('欢迎', 'welcome'), already: t('已签到', 'already here'), unknown: t('查无此码', 'unknown'),
  revoked: t('邀请已取消', 'cancelled'), invalid: t('无效', 'invalid') }[kind] || kind);

async function flush() { await outbox.flush(notifySent); }
setInterval(flush, 3000);
window.addEventListener('online', flush);

// MARK: - Scanning

/** Sends a scan or walk-in through the outbox; offline, a scan is answered from the roster and queued. */
async function submit(path, body, label) {
  const item = outbox.add({ nonce: body.nonce, path, body, label, at: new Date().toISOString() });
  const result = await outbox.send(item);
  if (result.verdict !== KEPT) { setOnline(true); show(result.answer, result); return; }
  // It waits: from now on it carries the time it was made, so the check-in keeps that time when it goes through.
  outbox.update(item.nonce, (x) => ({ ...x, body: { ...x.body, scanned_at: x.at } }));
  if (result.why === 'offline') setOnline(false);
  if (result.why === 'offline' && path === '/api/checkins' && body.code && roster.size) {
    const local = roster.answer(body.code, item.at);
    outbox.update(item.nonce, (x) => ({ ...x, local: local.kind, label: local.entry ? local.entry.name : x.label }));
    showLocal(local);
    return;
  }
  const why = { storage: t('笔记本暂时无法保存（见顶部红条），扫码已暂存，恢复后自动提交',
    'The laptop cannot save right now (see the red bar); the scan is kept and sent when it can'),
    signin: t('请重新登录；扫码已暂存', 'Please sign in again; the scan is kept') }[result.why]
    || t('连不上服务器，联网后自动提交', 'Cannot reach the laptop; it will be sent when the connection is back');
  showResult('pending', t('已暂存', 'Saved'), label, why);
}

/** The roster's answer while the laptop is out of reach: the same colours, marked "offline". */
function showLocal(local) {
  const e = local.entry || {};
  const offline = t('离线 · 联网后自动提交', 'offline · sent when the connection is back');
  const consultant = e.consultant ? t(`顾问：${e.consultant}`, `Consultant: ${e.consultant}`) : '';
  if (local.kind === 'ok') showResult('ok', t('签到成功 ✓', 'Welcome ✓'), e.name, [consultant, t(`${e.party_size} 人`, `party of ${e.party_size}`),
    offline].filter(Boolean).join(' · '));
  else if (local.kind === 'already') showResult('already', t('已经签到过', 'Already checked in'), e.name, offline);
  else if (local.kind === 'revoked') showResult('bad', t('邀请已取消', 'Invitation cancelled'), e.name, offline);
  // Offline the name search cannot reach the list (issue 24): what still works is a walk-in, queued like a scan.
  else showResult('bad', t('查无此码', 'Unknown code'), '', `${t('离线时不能按姓名查找：请核对二维码，或现场登记',
    'Offline the name search cannot work: check the code, or register a walk-in')} · ${offline}`);
}

/** A scanned code, or (from the look-up) the guest's id. */
function checkIn(code, label, inviteeID) {
  if (!door) { showResult('bad', t('请先选择门口', 'Choose the door first'), '', ''); return; }
  const body = code ? { code, door, nonce: uuid() } : { invitee_id: inviteeID, door, nonce: uuid() };
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

function show({ status: code, data }, result = {}) {
  const inv = data.invitee || {};
  const consultant = inv.consultant ? t(`顾问：${inv.consultant}`, `Consultant: ${inv.consultant}`) : '';
  if (code === 201 && data.kind === 'boarding') {
    showResult('ok', t('上车 ✓', 'On board ✓'), inv.name, [data.bus, consultant].filter(Boolean).join(' · '));
    renderBus();
    return;
  }
  if (code === 409 && data.status === 'already_boarded') {
    showResult('already', t('已经上车', 'Already on board'), inv.name || '', data.bus || '');
    return;
  }
  if (code === 201) {
    lastOk = data.checkin;
    if (inv.id) roster.arrived(inv.id, data.checkin.at);
    const tickets = (data.tickets || []).map((x) => t(`抽奖券 ${x.draw} №${x.number}`, `${x.draw} ticket №${x.number}`));
    // The lunch table (issue 28): where the party sits, or that every table is full and the admin places them.
    const table = data.table ? t(`请到 ${data.table} 入座`, `Please go to ${data.table}`)
      : data.table_full ? t('餐桌已满，请联系管理员安排', 'Every table is full: the admin will seat them') : '';
    showResult('ok', t('签到成功 ✓', 'Welcome ✓'), inv.name, [table, consultant, ...tickets].filter(Boolean).join(' · '), true);
    refreshCounts();
  } else if (code === 409) {
    const when = data.first_at ? new Date(data.first_at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false }) : '';
    showResult('already', t('已经签到过', 'Already checked in'), inv.name || '', t(`${when} 于 ${data.door || ''} 签到`,
      `at ${when}, ${data.door || ''}`) + (consultant ? `\n${consultant}` : ''));
  } else if (code === 404) {
    showResult('bad', t('查无此码', 'Unknown code'), '', t('请用姓名或手机后四位查找，或现场登记', 'Look the guest up by name or phone, or register a walk-in'));
  } else if (code === 410) {
    showResult('bad', t('邀请已取消', 'Invitation cancelled'), inv.name || '', t('请联系销售顾问', 'Please call the consultant'));
  } else {
    showResult('bad', t('无法签到', 'Cannot check in'), '', inLanguage(result.why || data.message) || `HTTP ${code}`);
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
  box.querySelector('.party-fix')?.remove();
  if (undoable && lastOk) box.querySelector('.result-box').insertBefore(partyFix(lastOk), box.querySelector('.result-hint'));
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
/** On the green screen: how many came with the guest, corrected with − and + (each tap is saved at once). */
function partyFix(checkin) {
  const row = document.createElement('div');
  row.className = 'party-fix';
  const label = () => t(`同行 ${checkin.party_size} 人`, `Party of ${checkin.party_size}`);
  row.innerHTML = `<button type="button" class="secondary" data-step="-1" aria-label="${esc(t('少一人', 'one fewer'))}">−</button>
    <strong></strong><button type="button" class="secondary" data-step="1" aria-label="${esc(t('多一人', 'one more'))}">+</button>
    <span class="error" role="alert"></span>`;
  row.querySelector('strong').textContent = label();
  row.addEventListener('click', async (e) => {
    e.stopPropagation(); // a tap here is not "tap anywhere to continue"
    const step = Number(e.target.closest('button[data-step]')?.dataset.step || 0);
    clearTimeout(hideTimer); hideTimer = setTimeout(hideResult, 6000);
    const size = checkin.party_size + step;
    if (!step || size < 1 || size > 20) return;
    const answer = await request(`/api/checkins/${checkin.id}`, { method: 'PATCH', body: { party_size: size } }).catch(() => null);
    if (answer && answer.status === 200) {
      checkin.party_size = answer.data.checkin.party_size;
      row.querySelector('strong').textContent = label();
      row.querySelector('.error').textContent = '';
      status = answer.data.status; renderCounts(); loadRecent();
    } else {
      row.querySelector('.error').textContent = answer ? inLanguage(answer.data.message) : t('连不上服务器', 'Cannot reach the laptop');
    }
  });
  return row;
}

function hideResult() { $('result').classList.add('hidden'); scan.focus(); }
$('result').addEventListener('click', hideResult);

async function undoCheckIn(id) {
  const answer = await request(`/api/checkins/${id}`, { method: 'DELETE' }).catch(() => null);
  const data = answer ? answer.data : { message: t('连不上服务器', 'Cannot reach the laptop') };
  if (answer && answer.status === 200) {
    const who = data.invitee?.name || '';
    showResult('already', t('已撤销', 'Undone'), who, who ? t(`${who} 的签到已撤销`, `${who}'s check-in was undone`) : '');
    refreshCounts();
  }
  else showResult('bad', t('无法撤销', 'Cannot undo'), '', inLanguage(data.message || ''));
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
    const { data: page } = await request(`/api/invitees?limit=20&q=${encodeURIComponent(q)}`);
    // Guests already in are marked, so a second party of the same name is not checked in by mistake.
    const inAt = (i) => roster.arrivedAt(i.id);
    list.innerHTML = (page.items || []).map((i) => `
      <li class="${inAt(i) ? 'arrived' : ''}"><span class="who"><strong>${esc(i.name)}</strong>
        ${inAt(i) ? `<span class="chip-in">✓ ${esc(t('已签到', 'here'))} ${esc(new Date(inAt(i)).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false }))}</span>` : ''}
        <small>${esc(t('手机尾号',
          'phone …'))}${esc(i.phone.slice(-4))} · ${esc(i.plate || '')} · ${esc(i.consultant || '')} · ${i.party_size}${esc(t('人', ' ppl'))}</small></span>
        <button type="button" data-id="${i.id}" data-name="${esc(i.name)}">${esc(t('签到', 'Check in'))}</button></li>`).join('')
      || `<li class="muted">${esc(t('没有找到，可现场登记', 'Nobody found: register a walk-in below'))}</li>`;
  } catch { list.innerHTML = `<li class="error">${esc(t('连不上服务器', 'Cannot reach the laptop'))}</li>`; }
}
$('results').addEventListener('click', (e) => {
  // A guest found by name is checked in by id: greeters see no check-in codes (issue 23).
  const b = e.target.closest('button[data-id]');
  if (b) { checkIn(null, b.dataset.name, Number(b.dataset.id)); $('search').value = ''; $('results').innerHTML = ''; }
});

// MARK: - Walk-ins

$('walkin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!door) { showResult('bad', t('请先选择门口', 'Choose the door first'), '', ''); return; }
  const body = { name: $('w-name').value.trim(), phone: $('w-phone').value.trim(), door, nonce: uuid(),
    party_size: Number($('w-party').value) || 1 };
  const consultant = $('w-consultant').value;
  if (consultant) body.consultant = consultant;
  const label = `${body.name} (${t('现场登记', 'walk-in')})`;
  const item = outbox.add({ nonce: body.nonce, path: '/api/walkins', body, label, at: new Date().toISOString() });
  const result = await outbox.send(item);
  if (result.verdict === KEPT) {
    outbox.update(item.nonce, (x) => ({ ...x, body: { ...x.body, scanned_at: x.at } }));
    showResult('pending', t('已暂存', 'Saved'), body.name, t('联网后自动提交', 'It will be sent when the connection is back'));
    e.target.reset(); return;
  }
  if (result.verdict === REFUSED) { $('walkin-msg').className = 'error'; $('walkin-msg').textContent = result.why; return; }
  $('walkin-msg').textContent = '';
  e.target.reset();
  show(result.answer, result);
});

// MARK: - Camera: live video over HTTPS (frames decoded by the laptop, or the browser's own reader where it has
// one), and a photo over plain HTTP or HTTPS alike (camera.js).

let stopCamera = null;
$('camera-btn').addEventListener('click', async () => {
  const box = $('camera-box'); const msg = $('camera-msg');
  if (stopCamera) { stopCamera(); stopCamera = null; box.classList.add('hidden'); return; }
  box.classList.remove('hidden');
  if (!window.isSecureContext || !navigator.mediaDevices) {
    msg.innerHTML = esc(t('实时扫码需要 HTTPS 地址。现在可以用「拍照」；长期使用请先', 'Live scanning needs the HTTPS address. Use "Photo" for now, or '))
      + ` <a href="/setup.html">${esc(t('设置平板', 'set this tablet up'))}</a>`;
    return;
  }
  msg.textContent = t('正在打开摄像头…', 'Opening the camera…');
  try {
    stopCamera = await startCamera($('video'), {
      onCode: (text) => checkIn(text),
      onState: (state) => {
        msg.textContent = { ready: t('请将二维码对准摄像头', 'Hold the QR code up to the camera'),
          offline: t('连不上笔记本，无法识别画面：请用扫码枪或查找', 'Cannot reach the laptop to read the picture: use a scanner or look the guest up') }[state] || '';
      },
    });
  } catch {
    msg.textContent = t('无法打开摄像头（需允许摄像头权限）。请用「拍照」、扫码枪或查找。',
      'The camera could not be opened (allow camera access). Use "Photo", a scanner, or look the guest up.');
  }
});

$('photo-btn').addEventListener('click', () => $('photo').click());
$('photo').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (!file) return;
  if (!door) { showResult('bad', t('请先选择门口', 'Choose the door first'), '', ''); return; }
  showResult('pending', t('正在识别…', 'Reading the photo…'), '', '');
  let blob;
  try { blob = await readPhoto(file); } catch {
    showResult('bad', t('照片无法打开', 'The photo cannot be opened'), '', t('请再拍一次', 'Please take it again')); return;
  }
  const params = new URLSearchParams({ door, nonce: uuid() });
  if (partySize) params.set('party_size', partySize);
  partySize = null; renderParty();
  let answer;
  try { answer = await request(`/api/checkins/image?${params}`, { method: 'POST', body: blob, contentType: 'image/jpeg' }); } catch {
    setOnline(false);
    showResult('bad', t('连不上笔记本', 'Cannot reach the laptop'), '', t('照片需要笔记本识别：请用扫码枪或查找',
      'Photos are read by the laptop: use a scanner or look the guest up'));
    return;
  }
  setOnline(true);
  if (answer.status === 422 && answer.data.error === 'no_code') {
    showResult('bad', t('没有找到二维码', 'No QR code found'), '', t('请对准邀请函上的二维码再拍一次', 'Aim at the code on the card and take the photo again'));
    return;
  }
  show(answer);
});

// MARK: - Counts, live updates, connection

function renderCounts() {
  if (status) $('counts').textContent = t(`已到 ${status.arrived} / 邀约 ${status.invited}`, `Arrived ${status.arrived} / invited ${status.invited}`);
}
async function refreshCounts() {
  try { status = (await request('/api/checkins/status')).data; renderCounts(); setOnline(true); } catch { setOnline(false); }
}
function setOnline(on) {
  online = on;
  const c = $('conn');
  c.classList.toggle('offline', !on);
  c.textContent = on ? t('在线', 'Online') : t('离线', 'Offline');
}

/**
 * The last check-ins at this door, each undoable for 15 minutes (the greeter's window): tap 撤销, then tap again to
 * confirm. Two taps, also after the green screen has gone.
 */
const UNDO_WINDOW_MS = 15 * 60 * 1000;
let recent = [];
async function loadRecent() {
  try { recent = (await request('/api/checkins?limit=40')).data || []; } catch { return; }
  renderRecent();
}
function renderRecent() {
  const mine = (Array.isArray(recent) ? recent : []).filter((r) => r.checkin.door === door).slice(0, 6);
  $('recent').innerHTML = mine.map((r) => {
    const at = new Date(r.checkin.at);
    const undoable = Date.now() - at.getTime() < UNDO_WINDOW_MS;
    return `<li><span class="who"><strong>${esc(r.invitee.name)}</strong>
      <small>${esc(at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false }))} · ${r.checkin.party_size}${esc(t('人',
        ' ppl'))}</small></span>
      ${undoable ? `<button type="button" class="secondary" data-undo="${r.checkin.id}">${esc(t('撤销', 'Undo'))}</button>` : ''}</li>`;
  }).join('') || `<li class="muted">${esc(t('本门口还没有签到', 'No check-ins at this door yet'))}</li>`;
}
$('recent').addEventListener('click', async (e) => {
  const b = e.target.closest('button[data-undo]');
  if (!b) return;
  if (!b.classList.contains('confirm')) {
    b.classList.add('confirm', 'danger'); b.textContent = t('确认撤销', 'Confirm undo');
    setTimeout(() => { if (b.isConnected) { b.classList.remove('confirm', 'danger'); b.textContent = t('撤销', 'Undo'); } }, 5000);
    return;
  }
  await undoCheckIn(Number(b.dataset.undo));
  loadRecent();
});

/** A walk-in's consultant is picked from the sales staff, not typed (a typo would credit nobody). */
async function loadConsultants() {
  let staff = [];
  try { staff = (await request('/api/staff/names')).data || []; } catch { return; }
  const names = staff.filter((s) => s.role === 'sales').map((s) => s.name);
  $('w-consultant').innerHTML = `<option value="">${esc(t('（不指定）', '(none)'))}</option>`
    + names.map((n) => `<option>${esc(n)}</option>`).join('');
}

/** At a bus (a "door" of its own), the confirmed guests who are neither on board nor at the venue yet. */
let buses = [];
async function renderBus() {
  const panel = $('bus-panel');
  panel.classList.toggle('hidden', !buses.includes(door));
  if (!buses.includes(door)) return;
  let list = [];
  try { list = (await request('/api/buses')).data; } catch { return; }
  const bus = list.find((b) => b.name === door);
  if (!bus) return;
  $('bus-info').textContent = t(`${bus.departs} 发车 · ${bus.meeting_point} · 已上车 ${bus.boarded}/${bus.seats}`,
    `leaves ${bus.departs} · ${bus.meeting_point} · on board ${bus.boarded}/${bus.seats}`);
  $('bus-missing').innerHTML = bus.missing.map((g) => `<li><span class="who"><strong>${esc(g.name)}</strong>
    <small>${esc(t('顾问',
      'Consultant'))}: ${esc(g.consultant || '—')} · <a href="tel:${esc(g.phone)}">${esc(g.phone)}</a></small></span></li>`).join('')
    || `<li class="muted">${esc(t('确认的客户都已上车或到场', 'Every confirmed guest is on board or here'))}</li>`;
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
    const ev = (await request('/api/event')).data;
    buses = ev.buses || [];
    showDoors([...ev.doors, ...buses]);
    renderBus();
  } catch { if (door) sel.innerHTML = `<option>${esc(door)}</option>`; }
  sel.addEventListener('change', () => { door = sel.value; localStorage.setItem(DOOR_KEY, door); renderBus(); renderRecent(); scan.focus(); });
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
    checkin: (e) => { status = e.status; renderCounts(); roster.arrived(e.invitee_id, e.at); loadRecent(); },
    checkin_undone: (e) => { status = e.status; renderCounts(); roster.undone(e.invitee_id); loadRecent(); },
    event: (ev) => showDoors([...ev.doors, ...(ev.buses || [])]),
  }, (on) => { if (on) { setOnline(true); flush(); roster.refresh(); } });
  roster.refresh();
  setInterval(() => { if (online) roster.refresh(); }, 60000);
  loadRecent();
  setInterval(renderRecent, 30000); // an undo button goes when its 15 minutes are up
  loadConsultants();
  scan.focus();
}
