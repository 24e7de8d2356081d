// The welcome wall (签到墙, issue 28): each party that checks in appears within a second, masked as everywhere else.
// Names are drawn on one canvas, not one DOM element each, so 2,000 names stay smooth; nothing runs while the page is
// hidden, and after a reload or a laptop restart the wall starts from GET /api/wall.
import { api } from './api.js';
import { langSwitch, t } from './i18n.js';
import { connectLive } from './live.js';

const $ = (id) => document.getElementById(id);
const canvas = $('names');
let arrived = [];   // newest first: {id, name, party_size, at}
let counts = { parties: 0, people: 0, expected_parties: 0, expected_people: 0 };
let newest = null;  // the arrival being welcomed, and when its fade-in started
let fading = 0;

/** What the wall shows, for tests and anyone checking it holds only masked names. */
window.wallState = () => ({ names: arrived.map((a) => a.name), ...counts });

function renderCounts() {
  const c = counts;
  $('counts').innerHTML = t(`已到 <strong>${c.parties}</strong> 组 <strong>${c.people}</strong> 人 · `
    + `预计 ${c.expected_parties} 组 ${c.expected_people} 人`,
    `<strong>${c.parties}</strong> parties, <strong>${c.people}</strong> people here · `
      + `${c.expected_parties} parties, ${c.expected_people} expected`);
}

function welcome(a) {
  $('welcome').textContent = a ? t(`欢迎 ${a.name} ${a.party_size > 1 ? `一行 ${a.party_size} 位` : ''}光临！`,
    `Welcome, ${a.name}${a.party_size > 1 ? ` and party (${a.party_size})` : ''}!`) : '';
}

/** Every name, newest first, in as many columns as the screen holds; the newest glows while it fades in. */
function draw(now = performance.now()) {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * ratio)) { canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio); }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const size = Math.max(14, Math.round(h / 16)), rowH = size * 1.6, colW = size * 6.5;
  const cols = Math.max(1, Math.floor(w / colW)), rows = Math.max(1, Math.floor(h / rowH));
  ctx.font = `600 ${size}px system-ui, "Noto Sans CJK SC", sans-serif`;
  ctx.textBaseline = 'top';
  const shown = arrived.slice(0, cols * rows);
  shown.forEach((a, i) => {
    const x = (i % cols) * colW, y = Math.floor(i / cols) * rowH;
    const fresh = newest && a.id === newest.id;
    const alpha = fresh ? Math.min(1, (now - fading) / 600) : 1;
    ctx.globalAlpha = alpha;
    ctx.fillStyle = fresh ? '#ffd54f' : '#e3ecf7';
    ctx.fillText(a.party_size > 1 ? `${a.name} ×${a.party_size}` : a.name, x, y);
  });
  ctx.globalAlpha = 1;
  if (arrived.length > shown.length) {
    ctx.fillStyle = '#5d7396';
    ctx.font = `${Math.round(size * 0.6)}px system-ui, sans-serif`;
    const more = arrived.length - shown.length;
    ctx.fillText(t(`另有 ${more} 组更早到场`, `and ${more} earlier parties`), 0, h - size * 0.7);
  }
  // One short fade for the newest name, and only while the page is seen: no animation keeps running.
  if (newest && now - fading < 600 && !document.hidden) requestAnimationFrame(draw);
}

async function load() {
  try {
    const [event, wall] = await Promise.all([api('/api/event'), api('/api/wall')]);
    $('event-name').textContent = event.name;
    arrived = wall.arrived;
    counts = { parties: wall.parties, people: wall.people, expected_parties: wall.expected_parties, expected_people: wall.expected_people };
    newest = null; welcome(arrived[0]);
    renderCounts(); draw();
  } catch (err) { $('welcome').textContent = err.message; }
}

function arrive(e) {
  if (arrived.some((a) => a.id === e.id)) return;
  const a = { id: e.id, name: e.name, party_size: e.party_size, at: e.at };
  arrived.unshift(a);
  counts.parties = e.status.arrived; counts.people = e.status.arrived_people;
  newest = a; fading = performance.now();
  welcome(a); renderCounts(); draw();
}

function leave(e) {
  arrived = arrived.filter((a) => a.id !== e.id);
  if (e.status) { counts.parties = e.status.arrived; counts.people = e.status.arrived_people; }
  if (newest && newest.id === e.id) { newest = null; welcome(arrived[0]); }
  renderCounts(); draw();
}

langSwitch($('lang'), () => { renderCounts(); welcome(newest || arrived[0]); draw(); });
window.addEventListener('resize', () => draw());
document.addEventListener('visibilitychange', () => { if (!document.hidden) draw(); });
connectLive({ checkin: arrive, checkin_undone: leave, day_changed: load, event: (e) => { $('event-name').textContent = e.name; } },
  (open) => { $('stale').classList.toggle('hidden', open); if (open) load(); });
