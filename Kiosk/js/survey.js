import { esc, request, inLanguage } from './api.js';
import { langSwitch, t, lang } from './i18n.js';

// No sign-in: the exit tablet (kiosk mode) or a guest's phone via ?code= from their invitation.
const $ = (id) => document.getElementById(id);
const code = new URLSearchParams(location.search).get('code') || '';
let questions = [];
let ratings = {};

function render() {
  $('questions').innerHTML = questions.map((q) => `
    <div class="q" data-q="${esc(q.id)}"><p>${esc(lang() === 'en' && q.text_en ? q.text_en : q.text)}</p>
      <div class="stars">${[1, 2, 3, 4,
        5].map((n) => `<button type="button" data-q="${esc(q.id)}" data-v="${n}" class="${ratings[q.id] >= n ? 'on' : ''}" aria-label="${n}">${n}</button>`).join('')}</div></div>`).join('');
}

$('questions').addEventListener('click', (e) => {
  const b = e.target.closest('button[data-v]');
  if (!b) return;
  ratings[b.dataset.q] = Number(b.dataset.v);
  render();
});
$('callback').addEventListener('change', () => $('phone').classList.toggle('hidden', !$('callback').checked));

function reset() {
  ratings = {}; $('form').reset(); $('phone').classList.add('hidden'); $('error').textContent = '';
  $('thanks').classList.add('hidden'); $('form').classList.remove('hidden'); render();
}

$('form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('error').textContent = '';
  if (!Object.keys(ratings).length) { $('error').textContent = t('请至少评一项', 'Please rate at least one question'); return; }
  const body = { ratings, comment: $('comment').value.trim() };
  if (code) body.code = code;
  if ($('callback').checked) body.callback_phone = $('phone').value.trim();
  try {
    const { status, data } = await request('/api/survey/answers', { method: 'POST', body });
    if (status < 200 || status >= 300) { $('error').textContent = inLanguage(data.message) || `HTTP ${status}`; return; }
    $('form').classList.add('hidden'); $('thanks').classList.remove('hidden');
    setTimeout(reset, 10000);
  } catch { $('error').textContent = t('连不上服务器，请稍后再试', 'Cannot reach the server; please try again'); }
});

async function init() {
  langSwitch($('lang'), render);
  try { questions = (await request('/api/survey')).data.questions || []; } catch { questions = []; }
  render();
}
init();
