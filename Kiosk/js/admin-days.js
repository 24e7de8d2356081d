// 新活动: the day shown now is set aside (kept, listed, restorable) and a fresh event starts; the demo for training;
// the days set aside, each one a tap from coming back.
import { api, esc } from './api.js';
import { t } from './i18n.js';
import { problemsHTML } from './admin-event.js';

const $ = (id) => document.getElementById(id);

function say(text, ok) { const m = $('days-msg'); m.className = ok ? 'ok' : 'error'; m.textContent = text; }

function showProblems(problems) {
  const box = $('days-problems');
  box.classList.toggle('hidden', !problems.length);
  box.innerHTML = problemsHTML(problems, t('有以下问题，尚未开始新活动：', 'Not started yet; please fix:'));
}

async function load() {
  try {
    const [event, archive] = await Promise.all([api('/api/event'), api('/api/events/archive')]);
    $('days-now').textContent = t(`当前：${event.name}（${event.date}，${event.venue}）`, `Now: ${event.name} (${event.date}, ${event.venue})`);
    $('days-rows').innerHTML = archive.items.map((d) => `<tr><td>${esc(d.name)}</td><td>${esc(d.date)}</td><td>${d.guests}</td>
      <td>${esc(new Date(d.set_aside_at).toLocaleString())}</td>
      <td><button type="button" class="secondary" data-restore="${esc(d.id)}" data-name="${esc(d.name)}">${t('恢复', 'Bring back')}</button>
      </td></tr>`).join('')
      || `<tr><td colspan="5" class="muted">${t('还没有存档的活动', 'No day set aside yet')}</td></tr>`;
  } catch (err) { say(err.message, false); }
}

/** After the day changed every panel shows another event: the page starts again, with a word of what happened. */
function done(text) {
  sessionStorage.setItem('kiosk-days-msg', text);
  location.reload();
}

async function start(body, question) {
  if (!confirm(question)) return;
  $('nd-start').disabled = true; $('nd-demo').disabled = true;
  try {
    const r = await api('/api/events/new', { method: 'POST', body });
    done(t(`已开始「${r.event.name}」。原来的「${r.set_aside.name}」（${r.set_aside.guests} 位来宾）已存档，可随时恢复。`,
      `"${r.event.name}" has started. "${r.set_aside.name}" (${r.set_aside.guests} guests) was set aside and can be brought back.`));
  } catch (err) {
    showProblems(err.body?.problems || []);
    say(err.message, false);
  } finally { $('nd-start').disabled = false; $('nd-demo').disabled = false; }
}

$('days-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const doors = $('nd-doors').value.split(/[,，、]/).map((d) => d.trim()).filter(Boolean);
  const body = { name: $('nd-name').value, date: $('nd-date').value, venue: $('nd-venue').value, doors };
  start(body, t('当前活动会先备份并存档（可恢复），然后开始这个新活动。继续吗？',
    'The day shown now is backed up and set aside (it can be brought back), then this event starts. Go on?'));
});
$('nd-demo').addEventListener('click', () => start({ demo: true }, t(
  '当前活动会先存档（可恢复），然后开始演示活动（含 40 位演示来宾，仅供培训）。继续吗？',
  'The day shown now is set aside (it can be brought back), then the demo day starts (with 40 demo guests, for training only). Go on?')));
$('days-rows').addEventListener('click', async (e) => {
  const id = e.target.dataset?.restore;
  if (!id) return;
  if (!confirm(t(`恢复「${e.target.dataset.name}」？当前活动会先存档，不会丢失。`,
    `Bring "${e.target.dataset.name}" back? The day shown now is set aside first; nothing is lost.`))) return;
  try {
    const r = await api(`/api/events/archive/${encodeURIComponent(id)}/restore`, { method: 'POST' });
    done(t(`已恢复「${r.event.name}」。「${r.set_aside.name}」已存档。`,
      `"${r.event.name}" is back. "${r.set_aside.name}" was set aside.`));
  } catch (err) { say(err.message, false); }
});

// A backup in the backup folder, brought back while the server runs (issue 24: only `kiosk restore`, server stopped).
async function loadBackups() {
  try {
    const r = await api('/api/backup/files');
    $('backup-files').innerHTML = r.items.map((d) => `<tr><td>${esc(new Date(d.set_aside_at).toLocaleString([], { hour12: false }))}
      <br><small class="muted">${esc(d.id)}</small></td><td>${esc(d.name)}</td><td>${d.guests}</td>
      <td><button type="button" class="secondary" data-backup="${esc(d.id)}">${t('恢复', 'Bring back')}</button></td></tr>`).join('')
      || `<tr><td colspan="4" class="muted">${esc(r.folder ? t(`${r.folder} 里还没有备份`, `No backup in ${r.folder} yet`)
        : t('尚未设置备份文件夹', 'No backup folder set yet'))}</td></tr>`;
  } catch (err) { $('backup-files').innerHTML = `<tr><td colspan="4" class="error">${esc(err.message)}</td></tr>`; }
}
$('backup-files-box').addEventListener('toggle', () => { if ($('backup-files-box').open) loadBackups(); });
$('backup-files').addEventListener('click', async (e) => {
  const id = e.target.dataset?.backup;
  if (!id) return;
  if (!confirm(t(`用备份 ${id} 替换当前数据？当前这一天会先存档，不会丢失。`,
    `Replace the data with backup ${id}? The day shown now is set aside first; nothing is lost.`))) return;
  try {
    const r = await api(`/api/backup/files/${encodeURIComponent(id)}/restore`, { method: 'POST' });
    done(t(`已从备份恢复「${r.event.name}」。恢复前的数据已存档为「${r.set_aside.name}」。`,
      `"${r.event.name}" is back from the backup. The data before was set aside as "${r.set_aside.name}".`));
  } catch (err) { alert(err.message); }
});

const kept = sessionStorage.getItem('kiosk-days-msg');
if (kept) { sessionStorage.removeItem('kiosk-days-msg'); say(kept, true); }
load();
