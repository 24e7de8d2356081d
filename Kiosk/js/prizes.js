// The prize desk in the evening: every prize won today (draw winners, then wheel spins), who won it, and one tap to
// tick it as handed over (a second tap takes the tick back, for a slip of the finger).
import { api, requireRole, esc } from '/js/api.js';
import { langSwitch, t } from '/js/i18n.js';

const $ = (id) => document.getElementById(id);
const me = requireRole('mc');
let list = { items: [], handed: 0, total: 0 };

const time = (iso) => new Date(iso).toLocaleTimeString([], { hour12: false, hour: '2-digit', minute: '2-digit' });

function render() {
  $('counts').textContent = t(`已领取 ${list.handed} / 共 ${list.total} 份奖品`, `${list.handed} of ${list.total} prizes handed over`);
  const q = $('q').value.trim();
  const shown = list.items.filter((x) => !($('open-only').checked && x.handed_at)
    && (!q || x.guest.includes(q) || x.phone_last4.includes(q) || x.prize.includes(q)));
  $('rows').innerHTML = shown.map((x) => `<tr class="${x.handed_at ? 'done' : ''}" data-key="${esc(x.key)}">
    <td><strong>${esc(x.prize)}</strong><br><small class="muted">${
    esc(x.kind === 'draw' ? t('抽奖', 'grand draw') : t('转盘', 'wheel'))} · ${esc(time(x.won_at))}</small></td>
    <td>${esc(x.guest)}<br><small>${esc(t('尾号', 'ends'))} ${esc(x.phone_last4)}</small></td>
    <td>${esc(x.consultant || '—')}</td>
    <td><button type="button" class="tick ${x.handed_at ? 'on' : ''}" data-tick="${esc(x.key)}" aria-pressed="${!!x.handed_at}">
      ${x.handed_at ? `✓ ${esc(time(x.handed_at))}` : esc(t('领取 ☐', 'Hand over ☐'))}</button>
      ${x.handed_by ? `<br><small class="muted">${esc(x.handed_by)}</small>` : ''}</td></tr>`).join('')
    || `<tr><td colspan="4" class="muted">${
      esc(list.total ? t('没有符合的奖品', 'No prize matches') : t('今天还没有人中奖', 'Nobody has won yet today'))}</td></tr>`;
}

async function load() {
  try { list = await api('/api/prizes/handout'); $('error').textContent = ''; render(); } catch (e) { $('error').textContent = e.message; }
}

$('rows').addEventListener('click', async (e) => {
  const key = e.target.closest('button[data-tick]')?.dataset.tick;
  if (!key) return;
  const item = list.items.find((x) => x.key === key);
  try {
    const updated = await api('/api/prizes/handout', { method: 'POST', body: { key, handed: !item.handed_at } });
    Object.assign(item, { handed_at: updated.handed_at ?? null, handed_by: updated.handed_by ?? null });
    list.handed = list.items.filter((x) => x.handed_at).length;
    $('error').textContent = '';
    render();
  } catch (err) { $('error').textContent = err.message; }
});
$('open-only').addEventListener('change', render);
$('q').addEventListener('input', render);
$('print').addEventListener('click', () => window.print());

if (me) {
  $('who').textContent = me.name;
  langSwitch($('lang'), render);
  load();
  setInterval(load, 15000);
}
