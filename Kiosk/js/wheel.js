import { api, session, esc, uuid } from './api.js';
import { langSwitch, t } from './i18n.js';
import { connectLive } from './live.js';

// The page never chooses a prize: it shows the server's answer, turning the wheel to land on it.
const $ = (id) => document.getElementById(id);
const COLORS = ['#ffd54f', '#4fc3f7', '#aed581', '#ff8a65', '#ce93d8', '#fff59d', '#80cbc4', '#f48fb1'];
let prizes = [];
let rotation = 0;

function drawWheel() {
  const n = prizes.length || 1;
  const slice = 360 / n;
  $('wheel').innerHTML = prizes.map((p, i) => {
    const a0 = (i * slice - 90) * Math.PI / 180, a1 = ((i + 1) * slice - 90) * Math.PI / 180;
    const large = slice > 180 ? 1 : 0;
    const mid = ((i + 0.5) * slice - 90) * Math.PI / 180;
    // A label that the wheel's current turn puts on the lower half is turned round, so none is read upside down
    // where the wheel has come to rest (the page redraws the labels after each spin lands).
    const seen = (((i + 0.5) * slice + rotation) % 360 + 360) % 360;
    const turn = (i + 0.5) * slice + (seen > 90 && seen < 270 ? 180 : 0);
    return `<path d="M0 0 L${100 * Math.cos(a0)} ${100 * Math.sin(a0)} A100 100 0 ${large} 1 ${100 * Math.cos(a1)} ${100 * Math.sin(a1)} Z" fill="${COLORS[i % COLORS.length]}" stroke="#1a0b2e" stroke-width="1"/>
      <text x="${62 * Math.cos(mid)}" y="${62 * Math.sin(mid)}" text-anchor="middle" dominant-baseline="middle"
        transform="rotate(${turn} ${62 * Math.cos(mid)} ${62 * Math.sin(mid)})">${esc(p.name)}</text>`;
  }).join('') + '<circle r="12" fill="#1a0b2e"/>';
}

function renderPrizes(wheel) {
  prizes = wheel.prizes;
  $('prizes').innerHTML = prizes.map((p) => `<li class="${p.remaining ? '' : 'out'}" data-id="${esc(p.id)}"><span>${esc(p.name)}</span><span>${p.remaining} / ${p.stock}</span></li>`).join('');
  // A short fingerprint on the public screen; the full commitment is in the title and in /api/wheel/record.
  $('commitment').textContent = `${wheel.commitment.slice(0, 8)}…${wheel.commitment.slice(-4)}`;
  $('commitment').title = wheel.commitment;
  renderStockChanges(wheel);
}

/** Stock changed after the first spin moves everyone's odds: the room sees each change, removals marked (issue 23). */
function renderStockChanges(wheel) {
  const changes = wheel.stock_changes || [];
  const name = (id) => (prizes.find((p) => p.id === id) || { name: id }).name;
  $('stock-changes-box').classList.toggle('hidden', changes.length === 0);
  $('stock-changes').innerHTML = changes.map((c) => {
    const removal = c.stock < c.old_stock && c.returned_spin == null;
    const kind = c.returned_spin != null ? t('作废退回', 'returned by a void')
      : removal ? `${t('减少', 'removed')}：${c.reason || ''}` : t('增加', 'added');
    return `<li class="${removal ? 'removal' : ''}"><span>${esc(name(c.prize))} ${c.old_stock} → ${c.stock}</span>
      <span>${esc(kind)} · ${esc(t(`第 ${c.after_spin} 次后`, `after spin ${c.after_spin}`))}</span></li>`;
  }).join('');
}

/** Turns the wheel so that the server's prize ends under the pointer. */
function landOn(prizeID, label) {
  const i = prizes.findIndex((p) => p.id === prizeID);
  const slice = 360 / prizes.length;
  const target = 360 - (i + 0.5) * slice;
  rotation += 360 * 6 + ((target - rotation) % 360 + 360) % 360;
  $('wheel').style.transform = `rotate(${rotation}deg)`;
  $('winner').textContent = '';
  setTimeout(() => { $('winner').textContent = label; drawWheel(); }, 5000);
}

/** Every bonus spin granted: to whom (masked), why, and by whom, so the room sees nobody is favoured. */
async function renderGrants() {
  let grants = [];
  try { grants = await api('/api/wheel/grants'); } catch { return; }
  $('grants').innerHTML = grants.map((g) => `<li><span>${esc(g.guest)} ·${esc(g.phone_last4)}</span>
    <span>${esc(g.reason)} · ${esc(t('发放人', 'by'))} ${esc(g.granted_by)}${g.prize ? ` → ${esc(g.prize)}` : ''}</span></li>`).join('')
    || `<li class="muted">${esc(t('暂无', 'none yet'))}</li>`;
}

async function refresh() { const w = await api('/api/wheel'); renderPrizes(w); drawWheel(); renderGrants(); }

$('spin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('spin-msg').textContent = '';
  try {
    await api('/api/wheel/spins', { method: 'POST', body: { order_id: Number($('order-id').value), nonce: uuid() } });
    $('order-id').value = '';
  } catch (err) { $('spin-msg').className = 'error'; $('spin-msg').textContent = err.message; }
});

// The MC grants a bonus spin to a guest who is here (issue 24: the page listed grants but had no button for one), with
// the reason the room sees, and the spin runs at once on the server.
let chosen = null;
let searching = 0;
$('grant-q').addEventListener('input', async () => {
  const q = $('grant-q').value.trim();
  const mine = ++searching;
  chosen = null; $('grant-btn').disabled = true;
  if (q.length < 1) { $('grant-found').innerHTML = ''; return; }
  try {
    const page = await api(`/api/invitees?q=${encodeURIComponent(q)}&limit=8`);
    if (mine !== searching) return;
    $('grant-found').innerHTML = page.items.map((g) => `<li><button type="button" class="secondary" data-guest="${g.id}" ${g.arrived_at ? ''
      : 'disabled'}>${esc(g.name)} · ${esc(g.phone)}${g.arrived_at ? '' : ` · ${esc(t('未到场', 'not here'))}`}</button></li>`).join('')
      || `<li class="muted">${esc(t('没有找到', 'Nobody found'))}</li>`;
  } catch (err) { $('grant-msg').className = 'error'; $('grant-msg').textContent = err.message; }
});
$('grant-found').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-guest]');
  if (!b) return;
  chosen = Number(b.dataset.guest);
  document.querySelectorAll('#grant-found button').forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
  $('grant-btn').disabled = false;
});
$('grant-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!chosen) return;
  $('grant-btn').disabled = true;
  try {
    const r = await api('/api/wheel/grants', { method: 'POST', body: { invitee_id: chosen, reason: $('grant-reason').value } });
    await api('/api/wheel/spins', { method: 'POST', body: { grant_id: r.grant.id, nonce: uuid() } });
    $('grant-msg').className = 'ok'; $('grant-msg').textContent = t('已发放，转盘开始', 'Granted: the wheel turns');
    $('grant-q').value = ''; $('grant-found').innerHTML = ''; chosen = null;
  } catch (err) { $('grant-msg').className = 'error'; $('grant-msg').textContent = err.message; $('grant-btn').disabled = false; }
});

async function init() {
  langSwitch($('lang'));
  const s = session();
  if (s && ['admin', 'sales', 'mc'].includes(s.role)) { $('spin-form').classList.remove('hidden'); $('signin-hint').classList.add('hidden'); }
  if (s && ['admin', 'mc'].includes(s.role)) $('grant-form').classList.remove('hidden');
  await refresh();
  connectLive({
    grant: () => renderGrants(),
    stock_change: () => refresh(),
    spin: (e) => {
      const sp = e.spin;
      const who = e.guest || (sp.order_id ? t(`订单 ${sp.order_id}`, `Order ${sp.order_id}`) : t('奖励转盘', 'Bonus spin'));
      landOn(sp.prize.id, `${who}：${sp.prize.name}！`);
      setTimeout(() => { renderPrizes(e.wheel); renderGrants(); }, 5000);
    },
  });
}
init();
