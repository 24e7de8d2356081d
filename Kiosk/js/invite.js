// Invitations before the day: a consultant records each call in two taps (the number, then the outcome) on their
// phone; the board shows every consultant's figures; on the day, the reminder rounds list who still has to come.
import { api, requireRole, esc, download } from './api.js';
import { langSwitch, t } from './i18n.js';

const me = requireRole('sales');
const $ = (id) => document.getElementById(id);
const OUTCOMES = [['invited', '已邀约', 'Invited'], ['confirmed', '确认', 'Confirmed'], ['declined', '婉拒', 'Declined'],
  ['no_answer', '未接通', 'No answer']];
const word = (o) => { const x = OUTCOMES.find((y) => y[0] === o); return x ? t(x[1], x[2]) : t('未联系', 'Not contacted'); };
let guests = [];
let board = null;
let reminders = [];

/** The list as the consultant narrows it (issue 24): a name or phone digits, and who has not been called yet. */
function shownGuests() {
  const q = $('guest-q').value.trim(), only = $('guest-filter').value;
  const digits = q.replace(/\D/g, '');
  return guests.filter((g) => (!only || g.invitation === only)
    && (!q || g.name.includes(q) || (digits.length >= 3 && String(g.phone).replace(/\D/g, '').includes(digits))));
}

function renderGuests() {
  const shown = shownGuests();
  $('guest-count').textContent = shown.length === guests.length ? `(${guests.length})` : `(${shown.length} / ${guests.length})`;
  $('guests').innerHTML = shown.map((g) => `
    <li class="guest" data-id="${g.id}">
      <div class="top-line"><span class="name">${esc(g.name)}</span><span class="chip ${esc(g.invitation)}">${esc(word(g.invitation))}</span></div>
      <a class="tel" href="tel:${esc(g.phone)}">☎ ${esc(g.phone)}</a> · ${g.party_size}${esc(t('人', ' ppl'))}
      ${g.arrived ? `· <strong class="ok">${esc(t('已到店', 'here'))}</strong>` : ''}${g.ordered ? ` · <strong class="ok">${esc(t('已订车', 'ordered'))}</strong>` : ''}
      ${g.last_contact ? `<p class="last">${esc(t('上次', 'Last'))}: ${esc(new Date(g.last_contact.at).toLocaleString([], { hour12: false }))}
        · ${esc(g.last_contact.by)} · ${esc(word(g.last_contact.outcome))}${g.last_contact.note ? ` · ${esc(g.last_contact.note)}` : ''}</p>` : ''}
      ${g.last_contact ? `<button type="button" class="link" data-history>${esc(t('全部通话记录', 'Every call'))}</button>
        <ul class="history hidden"></ul>` : ''}
      <input class="note" data-note maxlength="200" placeholder="${esc(t('备注（可不填）', 'Note (optional)'))}">
      <div class="outcomes">${OUTCOMES.map(([o, zh, en]) => `<button type="button" class="secondary ${g.invitation === o ? 'current' : ''}"
        data-outcome="${o}">${esc(t(zh, en))}</button>`).join('')}</div>
    </li>`).join('') || `<li class="muted">${esc(guests.length ? t('没有符合条件的客户', 'Nobody matches')
    : t('名单里还没有您的客户', 'None of the guests on the list is yours yet'))}</li>`;
}

function renderBoard() {
  if (!board) return;
  const g = board.goal, tot = board.totals;
  $('goal').textContent = t(`目标：${g.parties ?? '—'} 组 / ${g.people ?? '—'} 人 / ${g.orders ?? '—'} 台；每位顾问至少 ${g.per_consultant} 组。`
    + `已确认 ${tot.confirmed} 组 ${tot.confirmed_people} 人，到店 ${tot.arrived}，订单 ${tot.orders}`,
  `Goal: ${g.parties ?? '—'} parties / ${g.people ?? '—'} people / ${g.orders ?? '—'} orders; at least ${g.per_consultant} parties per consultant. `
    + `Confirmed ${tot.confirmed} parties (${tot.confirmed_people} people), arrived ${tot.arrived}, orders ${tot.orders}`);
  const admin = me.role === 'admin';
  const post = (c) => admin ? `<select data-post="${esc(c.name)}" aria-label="${esc(t('阵地', 'Post'))}">
      <option value="" ${c.post ? '' : 'selected'}>—</option>
      <option value="venue" ${c.post === 'venue' ? 'selected' : ''}>${esc(t('活动现场', 'Venue'))}</option>
      <option value="showroom" ${c.post === 'showroom' ? 'selected' : ''}>${esc(t('展厅', 'Showroom'))}</option></select>`
    : esc(c.post === 'venue' ? t('活动现场', 'Venue') : c.post === 'showroom' ? t('展厅', 'Showroom') : '—');
  $('board-rows').innerHTML = board.consultants.map((c) => `
    <tr class="${c.missed_target ? 'missed' : ''}"><td>${esc(c.name)}</td><td>${c.target}</td><td>${c.invited}</td>
      <td class="${c.missing ? 'missing' : ''}">${c.confirmed}${c.missing ? ` (${esc(t(`差 ${c.missing}`, `${c.missing} short`))})` : ''}</td>
      <td>${c.declined}</td><td>${c.no_answer}</td><td>${c.arrived}</td>
      <td>${c.show_rate == null ? '—' : `${Math.round(c.show_rate * 100)}%`}</td><td>${c.orders}</td><td>${post(c)}</td></tr>`).join('');
}

function renderReminders() {
  $('reminders-panel').classList.toggle('hidden', reminders.length === 0);
  $('reminders').innerHTML = reminders.map((r) => `
    <li class="${r.done_by ? 'done' : r.due ? 'due' : ''}"><strong>${esc(r.at)} · ${esc(r.kind === 'sms' ? t('短信', 'SMS') : t('电话',
      'Calls'))}</strong>
      ${r.done_by ? `· ${esc(t('已完成', 'done'))}（${esc(r.done_by)}）` : r.due ? `· ${esc(t('该做了', 'due now'))}` : ''}
      <div class="muted">${esc(t(`还没到的确认客户 ${r.recipients.length} 位`, `${r.recipients.length} confirmed guest(s) not here yet`))}:
        ${r.recipients.map((g) => esc(g.name)).join('、')}</div>
      <div class="row">${r.kind === 'sms' ? `<button type="button" class="secondary" data-sms="${r.round}">${esc(t('下载短信名单', 'Download SMS batch'))}</button>` : ''}
        ${r.due || r.done_by ? `<button type="button" class="secondary" data-done="${r.round}" ${r.done_by ? 'disabled' : ''}>${
  esc(t('标记完成', 'Mark done'))}</button>`
    : `<span class="muted">${esc(t('当天到时间后才能标记完成', 'Can be marked done once it is due on the day'))}</span>`}</div>
    </li>`).join('');
}

async function load() {
  try {
    [guests, board, reminders] = await Promise.all([api('/api/campaign/guests'), api('/api/campaign'), api('/api/reminders')]);
  } catch (err) { $('msg').className = 'error'; $('msg').textContent = err.message; return; }
  renderGuests(); renderBoard(); renderReminders();
}

// A guest's whole contact history, each call with who made it, how it went and its note (issue 24: API only).
$('guests').addEventListener('click', async (e) => {
  const h = e.target.closest('button[data-history]');
  if (!h) return;
  const list = h.nextElementSibling;
  if (!list.classList.toggle('hidden')) {
    try {
      const calls = await api(`/api/invitees/${h.closest('li').dataset.id}/contacts`);
      list.innerHTML = calls.map((c) => `<li>${esc(new Date(c.at).toLocaleString([], { hour12: false }))} · ${esc(c.by)} · ${esc(word(c.outcome))}${
        c.note ? ` · ${esc(c.note)}` : ''}</li>`).join('');
    } catch (err) { list.innerHTML = `<li class="error">${esc(err.message)}</li>`; }
  }
});

$('guests').addEventListener('click', async (e) => {
  const b = e.target.closest('button[data-outcome]');
  if (!b) return;
  const id = Number(b.closest('li').dataset.id);
  $('msg').textContent = '';
  try {
    const note = b.closest('li').querySelector('[data-note]').value.trim();
    const r = await api(`/api/invitees/${id}/contacts`, { method: 'POST', body: { outcome: b.dataset.outcome, note: note || null } });
    guests = guests.map((g) => (g.id === id ? { ...g, invitation: r.invitee.invitation, last_contact: r.contact } : g));
    renderGuests();
    board = await api('/api/campaign'); renderBoard();
  } catch (err) { $('msg').className = 'error'; $('msg').textContent = err.message; }
});

$('board-rows').addEventListener('change', async (e) => {
  const sel = e.target.closest('select[data-post]');
  if (!sel || !sel.value) return;
  try { board = await api('/api/campaign/posts', { method: 'PUT', body: { name: sel.dataset.post, post: sel.value } }); renderBoard(); } catch (err) {
    $('msg').className = 'error'; $('msg').textContent = err.message;
  }
});

$('reminders').addEventListener('click', async (e) => {
  const sms = e.target.closest('button[data-sms]'), done = e.target.closest('button[data-done]');
  try {
    if (sms) await download(`/api/reminders/${sms.dataset.sms}/sms.csv`, `sms-${sms.dataset.sms}.csv`);
    if (done) { await api(`/api/reminders/${done.dataset.done}/done`,
      { method: 'POST' }); reminders = await api('/api/reminders'); renderReminders(); }
  } catch (err) { $('msg').className = 'error'; $('msg').textContent = err.message; }
});

$('guest-q').addEventListener('input', renderGuests);
$('guest-filter').addEventListener('change', renderGuests);

if (me) {
  $('who').textContent = me.name;
  langSwitch($('lang'), () => { renderGuests(); renderBoard(); renderReminders(); });
  load();
  setInterval(load, 60000);
}
