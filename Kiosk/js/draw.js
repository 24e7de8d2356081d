import { api, session, esc } from './api.js';
import { langSwitch, t } from './i18n.js';
import { connectLive } from './live.js';

// Shows each step of the grand draw as it happens; an MC (or admin) can drive it from here.
const $ = (id) => document.getElementById(id);
let current = null;

function render(d) {
  current = d;
  $('title').textContent = `${t('幸运抽奖', 'Grand draw')} · ${d.name}`;
  $('commitment').textContent = d.commitment;
  $('s-create').classList.add('done');
  $('count').textContent = d.count ?? '—';
  $('digest').textContent = d.entrants_digest ?? '—';
  $('s-freeze').classList.toggle('done', d.state !== 'created');
  $('salt').textContent = d.salt ?? '—';
  $('s-salt').classList.toggle('done', d.state === 'done');
  $('seed').textContent = d.seed ?? '—';
  $('s-run').classList.toggle('done', d.state === 'done');
  const names = (ids) => (ids || []).map((id) => `${esc(d.names?.[id] || '')} #${esc(id)}`).join('  ');
  $('winners').innerHTML = d.state === 'done' ? `${t('中奖', 'Winner')}: ${names(d.winners)}` : '';
  $('alternates').innerHTML = d.state === 'done' && d.alternates?.length ? `${t('候补（依次）', 'Alternates, in order')}: ${names(d.alternates)}` : '';
}

async function act(fn) {
  $('msg').textContent = '';
  try { render(await fn()); } catch (err) { $('msg').textContent = err.message; }
}
$('create').addEventListener('click', () => act(() => api('/api/draws', { method: 'POST', body: { name: $('name').value, pool: $('pool').value, winners: 1, alternates: 2 } })));
$('freeze').addEventListener('click', () => act(() => api(`/api/draws/${current.id}/freeze`, { method: 'POST' })));
$('run').addEventListener('click', () => act(() => api(`/api/draws/${current.id}/run`, { method: 'POST', body: { salt: $('salt-input').value } })));

async function init() {
  langSwitch($('lang'), () => current && render(current));
  const s = session();
  if (s && ['admin', 'mc'].includes(s.role)) $('controls').classList.remove('hidden');
  // Load the latest draw each time the stream is (re)connected: a draw created before the stream was open
  // would otherwise never reach the screen (seen in CI, where the page loaded just before the draw was made).
  const loadLatest = async () => { const draws = await api('/api/draws'); if (draws.length) render(draws[draws.length - 1]); };
  await loadLatest();
  connectLive({ draw: render }, (up) => { if (up) loadLatest(); });
}
init();
