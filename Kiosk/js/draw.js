import { api, session, esc } from './api.js';
import { langSwitch, t } from './i18n.js';
import { connectLive } from './live.js';

// Shows each step of the grand draw as it happens; an MC (or admin) can drive it from here.
const $ = (id) => document.getElementById(id);
let current = null;
let planned = [];
/** A hash on the public screen: a short fingerprint anyone can compare (the full value is in the record). */
const short = (hex) => (hex ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : '—');
/** Who won, as the winner recognises themselves: masked name and the last 4 digits of their phone, never an id. */
const who = (d, id) => `${d.tickets?.[id] ? `№${d.tickets[id]} ` : ''}${esc(d.names?.[id] || t('来宾', 'Guest'))}${
  d.phones?.[id] ? ` · ${t('尾号', '…')}${esc(d.phones[id])}` : ''}`;

function render(d) {
  current = d;
  $('title').textContent = `${t('幸运抽奖', 'Grand draw')} · ${d.name}`;
  $('commitment').textContent = short(d.commitment); $('commitment').title = d.commitment;
  $('s-create').classList.add('done');
  $('count').textContent = d.count ?? '—';
  $('digest').textContent = short(d.entrants_digest); $('digest').title = d.entrants_digest || '';
  $('s-freeze').classList.toggle('done', d.state !== 'created');
  $('salt').textContent = d.salt ?? '—';
  $('s-salt').classList.toggle('done', d.state === 'done');
  $('seed').textContent = short(d.seed); $('seed').title = d.seed || '';
  $('s-run').classList.toggle('done', d.state === 'done');
  // The winners now: each replaced winner gives way to the alternate who took the prize.
  const replaced = new Map((d.replacements || []).map((r) => [r.winner, r.replacement]));
  const now = (d.winners || []).map((id) => { let w = id; while (replaced.has(w)) w = replaced.get(w); return w; });
  const used = new Set((d.replacements || []).map((r) => r.replacement));
  $('winners').innerHTML = d.state === 'done' ? `${t('中奖', 'Winner')}: ${now.map((id) => who(d, id)).join('　')}` : '';
  const waiting = (d.alternates || []).filter((id) => !used.has(id));
  $('alternates').innerHTML = d.state === 'done' && waiting.length ? `${t('候补（依次）', 'Alternates, in order')}: ${waiting.map((id) => who(d, id)).join('　')}` : '';
  $('replacements').innerHTML = (d.replacements || []).map((r) => `<li>${who(d, r.winner)} → ${who(d, r.replacement)} · ${esc(r.reason)}</li>`).join('');
  renderReplace(d, now, waiting);
}

/** The MC's view: a winner who is not in the room gives way to the next alternate, with a reason. */
function renderReplace(d, now, waiting) {
  const box = $('replace-box');
  const show = d.state === 'done' && !$('controls').classList.contains('hidden');
  box.classList.toggle('hidden', !show);
  if (!show) return;
  box.innerHTML = now.map((id) => `<button type="button" class="secondary" data-winner="${esc(id)}" ${waiting.length ? '' : 'disabled'}>
    ${esc(t('不在现场，换下一位候补：', 'Not here: next alternate for '))}${who(d, id)}</button>`).join('');
}
$('replace-box').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-winner]');
  if (!b) return;
  const reason = prompt(t('原因（如：不在现场、电话未接通）', 'Reason (e.g. not in the room, no answer)'), t('不在现场', 'Not in the room'));
  if (!reason) return;
  act(() => api(`/api/draws/${current.id}/replace`, { method: 'POST', body: { winner: b.dataset.winner, reason } }));
});

async function act(fn) {
  $('msg').textContent = '';
  try { render(await fn()); } catch (err) { $('msg').textContent = err.message; }
}
$('create').addEventListener('click', () => act(() => api('/api/draws', { method: 'POST', body: { name: $('name').value } })));

/** The draws the event file plans: the MC picks one; pool, winners and alternates are the event's. */
function renderPlan() {
  const sel = $('name');
  const kept = sel.value;
  sel.innerHTML = planned.map((p) => `<option>${esc(p.name)}</option>`).join('');
  if (planned.some((p) => p.name === kept)) sel.value = kept;
  const p = planned.find((x) => x.name === sel.value);
  $('plan').textContent = p ? t(`奖池：${p.pool === 'orders' ? '当日订车客户' : '到场来宾'} · 中奖 ${p.winners} 名 · 候补 ${p.alternates} 名`,
    `Pool: ${p.pool === 'orders' ? 'customers who ordered' : 'guests here'} · ${p.winners} winner(s) · ${p.alternates} alternate(s)`) : '';
}
$('name').addEventListener('change', renderPlan);
$('freeze').addEventListener('click', () => {
  // Freezing fixes the list for good (issue 24: it used to happen on one tap).
  if (!confirm(t(`冻结「${current.name}」的抽奖名单？冻结后名单不能再改，随后才能抽奖。`,
    `Freeze the list of "${current.name}"? It cannot change afterwards; then the draw can run.`))) return;
  act(() => api(`/api/draws/${current.id}/freeze`, { method: 'POST' }));
});
$('run').addEventListener('click', () => act(() => api(`/api/draws/${current.id}/run`, { method: 'POST', body: { salt: $('salt-input').value } })));

async function init() {
  langSwitch($('lang'), () => { renderPlan(); if (current) render(current); });
  const s = session();
  if (s && ['admin', 'mc'].includes(s.role)) $('controls').classList.remove('hidden');
  try { planned = (await api('/api/event')).draws || []; } catch { planned = []; }
  renderPlan();
  // Load the latest draw each time the stream is (re)connected: a draw created before the stream was open
  // would otherwise never reach the screen (seen in CI, where the page loaded just before the draw was made).
  const loadLatest = async () => { const draws = await api('/api/draws'); if (draws.length) render(draws[draws.length - 1]); };
  await loadLatest();
  connectLive({ draw: render }, (up) => { if (up) loadLatest(); });
}
init();
