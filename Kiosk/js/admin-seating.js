// 午餐桌位 (issue 28): each table with its parties, the parties the door could not seat, and a move for each.
import { api, esc } from './api.js';
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);
let tables = [];

async function load() {
  try {
    const [r, here] = await Promise.all([api('/api/tables'), api('/api/checkins?limit=10000')]);
    tables = r.tables;
    const who = Object.fromEntries(here.map((a) => [a.invitee.id, a]));
    const seated = new Set(tables.flatMap((x) => x.parties.map((p) => p.invitee_id)));
    const pick = (id, current) => `<select data-move="${id}"><option value="">${esc(t('换到…', 'Move to…'))}</option>${tables
      .filter((x) => x.name !== current).map((x) => `<option>${esc(x.name)}</option>`).join('')}</select>`;
    const party = (p, current) => {
      const a = who[p.invitee_id];
      return `<li>${esc(a ? a.invitee.name : `#${p.invitee_id}`)} · ${p.party_size}${esc(t('人', ' ppl'))}${
        a?.invitee.consultant ? ` · ${esc(a.invitee.consultant)}` : ''} ${pick(p.invitee_id, current)}</li>`;
    };
    const left = here.filter((a) => !seated.has(a.invitee.id));
    const none = t('活动设置里还没有午餐桌', 'No lunch tables in the event setup yet');
    $('seating-view').innerHTML = !tables.length ? `<p class="muted">${esc(none)}</p>`
      : tables.map((x) => `<h3>${esc(x.name)} <small class="muted">${x.taken} / ${x.seats}</small></h3>
        <ul>${x.parties.map((p) => party(p, x.name)).join('') || `<li class="muted">${esc(t('空桌', 'empty'))}</li>`}</ul>`).join('')
        + (left.length ? `<h3 class="error">${esc(t(`未安排桌位（${left.length} 组）`, `Not seated (${left.length})`))}</h3>
          <ul>${left.map((a) => party({ invitee_id: a.invitee.id, party_size: a.checkin.party_size }, null)).join('')}</ul>` : '');
  } catch (err) { $('seating-msg').className = 'error'; $('seating-msg').textContent = err.message; }
}

$('seating-load').addEventListener('click', load);
$('seating-view').addEventListener('change', async (e) => {
  const id = e.target.dataset?.move;
  if (!id || !e.target.value) return;
  try {
    await api(`/api/tables/assignments/${id}`, { method: 'PUT', body: { table: e.target.value } });
    $('seating-msg').className = 'ok'; $('seating-msg').textContent = t(`已换到 ${e.target.value}`, `Moved to ${e.target.value}`);
  } catch (err) { $('seating-msg').className = 'error'; $('seating-msg').textContent = err.message; }
  load();
});
