import { connectLive } from './live.js';
import { langSwitch, t } from './i18n.js';
import { esc, request } from './api.js';

// The MC screen needs no sign-in: it shows only public, masked data.
const $ = (id) => document.getElementById(id);
let tally = null;
let tiers = [];
let latest = [];
let status = null;
let streamOpen = false;
let pollOk = true;
const yuan = (n) => Number(n).toLocaleString('zh-CN');

function render() {
  if (tally) {
    $('orders').textContent = tally.orders;
    const next = tally.next_tier;
    // Below the first tier "¥0" tells the room nothing: say what it can win instead.
    const before = tally.rebate_per_order === 0 && next;
    $('rebate').textContent = yuan(before ? next.rebate : tally.rebate_per_order);
    $('rebate').closest('.figure').classList.toggle('pending', Boolean(before));
    const more = next ? (next.more ?? (next.at - tally.orders)) : 0;
    $('rebate-label').textContent = before ? t(`再成交 ${more} 台，全场每台享`, `${more} more and every car gets`) : t('全场每台优惠', 'Rebate on every car');
    if (next) {
      $('next-text').innerHTML = t(`再成交 <em>${more}</em> 台，全场每台优惠升至 <em>¥${yuan(next.rebate)}</em>`,
        `<em>${more}</em> more ${more === 1 ? 'car' : 'cars'} and every car gets <em>¥${yuan(next.rebate)}</em>`);
      const prevFrom = [...tiers].reverse().find((x) => x.from <= tally.orders)?.from ?? 0;
      const pct = Math.max(0, Math.min(100, ((tally.orders - prevFrom) / (next.at - prevFrom)) * 100));
      $('bar-fill').style.width = `${pct}%`;
    } else {
      $('next-text').innerHTML = t(`已达最高档：全场每台 <em>¥${yuan(tally.rebate_per_order)}</em>！`,
        `Top tier reached: <em>¥${yuan(tally.rebate_per_order)}</em> on every car!`);
      $('bar-fill').style.width = '100%';
    }
    $('tiers').innerHTML = tiers.map((x) => `<li class="${tally.orders >= x.from ? 'reached' : ''}">${x.from}${t('台', '')}+ ¥${yuan(x.rebate)}</li>`).join('');
  }
  // Three rows of two fill the space the screen has at any size (the fonts follow its height); an eighth row was cut
  // off at 1080p (issue 24).
  $('latest').innerHTML = latest.slice(0, 6).map((o,
    i) => `<li class="${i === 0 && o.fresh ? 'fresh' : ''}"><span>${esc(o.name)} · ${esc(o.model)}</span><span>${esc(o.consultant)}</span></li>`).join('')
    || `<li>${esc(t('等待第一台成交…', 'Waiting for the first order…'))}</li>`;
  if (status) $('arrivals').textContent = t(`到场 ${status.arrived_people} 人`, `${status.arrived_people} guests here`);
}

function setFresh() {
  const stale = !streamOpen || !pollOk;
  $('stale').classList.toggle('hidden', !stale);
  document.body.classList.toggle('is-stale', stale);
  $('live').classList.toggle('off', stale);
}

function celebrate(e) {
  const box = $('celebrate');
  $('up-text').textContent = t(`第 ${e.orders} 台成交！全场每台优惠升至 ¥${yuan(e.rebate_per_order)}`,
    `Order ${e.orders}! Every car now gets ¥${yuan(e.rebate_per_order)}`);
  const colors = ['#ffd54f', '#ff5252', '#69f0ae', '#40c4ff', '#fff'];
  $('confetti').innerHTML = Array.from({ length: 120 }, (_, i) =>
    `<span style="left:${Math.random() * 100}vw;background:${colors[i % colors.length]};animation-duration:${2 + Math.random() * 3}s;animation-delay:${Math.random()}s"></span>`).join('');
  box.classList.remove('hidden');
  clearTimeout(celebrate.timer);
  celebrate.timer = setTimeout(() => box.classList.add('hidden'), 7000);
}

/** The audit log's head, small in a corner: a photo of the screen anchors the log at that moment. */
async function auditHead() {
  try {
    const { status, data: h } = await request('/api/audit/head');
    if (status !== 200) return;
    $('audit-head').textContent = `${t('日志', 'log')} #${h.seq} · ${h.short}`;
  } catch { /* kept as it was */ }
}

async function poll() {
  auditHead();
  try {
    const { status, data } = await request('/api/tally');
    if (status !== 200) throw new Error(`HTTP ${status}`);
    tally = data; pollOk = true; render();
  } catch { pollOk = false; }
  setFresh();
}

async function init() {
  langSwitch($('lang'), render);
  try {
    const { data: ev } = await request('/api/event');
    $('event-name').textContent = ev.name; document.title = `${ev.name} · 主持大屏`;
    tiers = ev.tiers;
  } catch { /* shown once the stream connects */ }
  connectLive({
    tally: (x) => { tally = x; render(); auditHead(); },
    event: (ev) => { tiers = ev.tiers; $('event-name').textContent = ev.name; render(); }, // the admin changed the event
    orders: (list) => { latest = list; render(); },
    order: (e) => { auditHead(); tally = e.tally; latest = [{ ...e.order, fresh: true }, ...latest.filter((o) => o.id !== e.order.id)].slice(0,
      8); render(); },
    order_void: (e) => { tally = e.tally; latest = latest.filter((o) => o.id !== e.order.id); render(); },
    tier_up: (e) => celebrate(e),
    status: (s) => { status = s; render(); },
    checkin: (e) => { status = e.status; render(); },
    checkin_undone: (e) => { status = e.status; render(); },
  }, (open) => { streamOpen = open; setFresh(); if (open) poll(); });
  setInterval(poll, 10000);
  render();
}
init();
