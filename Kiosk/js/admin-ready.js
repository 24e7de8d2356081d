// The checklist before opening, the report and evidence pack, and backups.
import { api, download, session, esc } from './api.js';
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);

async function loadReadiness() {
  try {
    const r = await api('/api/readiness');
    $('checklist').innerHTML = r.items.map((i) => `
      <li class="${i.ok ? 'ok' : (i.optional ? 'optional' : 'todo')}" data-item="${esc(i.id)}"><span class="mark">${i.ok ? '✓' : (i.optional ? '○' : '✗')}</span>
        <span>${esc(t(i.zh,
          i.en))}</span>${i.ok ? '' : ` <a href="${esc(i.link)}"${i.link.startsWith('/') ? ' target="_blank"' : ''}>${t('去处理', 'Fix')}</a>`}</li>`).join('')
      + (r.closed_at
        ? `<li class="ok" id="ready-verdict"><span class="mark">✓</span><strong>${esc(t(
          `活动已于 ${new Date(r.closed_at).toLocaleString()} 结束`,
          `The day was closed at ${new Date(r.closed_at).toLocaleString()}`))}</strong></li>`
        : `<li class="${r.ready ? 'ok' : 'todo'}" id="ready-verdict"><span class="mark">${r.ready ? '✓' : '…'}</span>
         <strong>${r.ready ? t('全部就绪，可以开场', 'All set: ready to open') : t(`还有 ${r.items.filter((i) => !i.ok && !i.optional).length} 项未完成`,
           `${r.items.filter((i) => !i.ok && !i.optional).length} item(s) left`)}</strong></li>`);
    showBackup(r.backup);
  } catch (err) {
    $('checklist').innerHTML = `<li class="error">${esc(err.message)}</li>`;
  }
}

/** Someone is typing wrong PINs: say so where the admin is looking, with what the kiosk did about it. */
async function loadGuessAlert() {
  let a;
  try { a = await api('/api/login/alert'); } catch { return; }
  const box = $('guess-alert');
  const on = a.wrong_pins >= 5 || a.locked_clients.length > 0 || a.paused_until;
  box.classList.toggle('hidden', !on);
  if (!on) return;
  const paused = a.paused_until ? t(`登录已暂停到 ${new Date(a.paused_until).toLocaleTimeString()}（已登录的设备不受影响）。`,
    `Sign-in is paused until ${new Date(a.paused_until).toLocaleTimeString()} (signed-in devices keep working).`) : '';
  box.textContent = `⚠ ${t(`15 分钟内有 ${a.wrong_pins} 次错误 PIN，已锁定 ${a.locked_clients.length} 台设备（${a.locked_clients.join('、')}）。`,
    `${a.wrong_pins} wrong PINs in 15 minutes; ${a.locked_clients.length} device(s) locked (${a.locked_clients.join(', ')}).`)} ${paused}`;
}
setInterval(loadGuessAlert, 15000);
loadGuessAlert();

function showBackup(b) {
  const el = $('backup-status');
  if (!b.folder) { el.className = 'error'; el.textContent = t('尚未设置备份文件夹', 'No backup folder set yet'); return; }
  if (document.activeElement !== $('backup-folder')) $('backup-folder').value = b.folder;
  if (b.last_error) { el.className = 'error'; el.textContent = t(`最近一次备份失败：${b.last_error}`, `The last backup failed: ${b.last_error}`); return; }
  el.className = b.last_file ? 'ok' : 'muted';
  el.textContent = b.last_file
    ? t(`最近备份：${b.last_file}（${new Date(b.last_at).toLocaleTimeString()}），每 ${b.every} 分钟一次，保留 ${b.keep} 份`,
      `Last backup: ${b.last_file} (${new Date(b.last_at).toLocaleTimeString()}), every ${b.every} min, keeping ${b.keep}`)
    : t(`备份到 ${b.folder}，每 ${b.every} 分钟一次`, `Backups go to ${b.folder} every ${b.every} min`);
}

async function tick(item) {
  try { await api(`/api/readiness/${item}`, { method: 'POST' }); } catch (err) { alert(err.message); }
  loadReadiness();
}

$('statement-csv').addEventListener('click', async () => {
  try { await download('/api/orders/statement.csv', 'rebate-statement.csv'); } catch (err) { alert(err.message); }
});

/** Ends the day: no more check-ins, orders, spins or draws, and the wheel's seed is revealed for anyone to check. */
$('close-day').addEventListener('click', async () => {
  const word = t('结束', 'CLOSE');
  const typed = prompt(t(`结束活动后不能再签到、下单、转盘或抽奖，转盘种子会公开。确定请输入「${word}」：`,
    `After closing, no more check-ins, orders, spins or draws, and the wheel seed is made public. Type ${word} to close:`));
  if (typed === null) return;
  const msg = $('close-msg');
  if (typed.trim() !== word) { msg.className = 'error'; msg.textContent = t('未结束：输入不符', 'Not closed: the word did not match'); return; }
  try {
    const r = await api('/api/event/close', { method: 'POST' });
    msg.className = 'ok';
    msg.textContent = t(`活动已结束。转盘种子：${r.wheel_seed}`, `The day is closed. Wheel seed: ${r.wheel_seed}`);
  } catch (err) { msg.className = 'error'; msg.textContent = err.message; }
  loadReadiness();
});

$('tick-printed').addEventListener('click', () => tick('qr_printed'));
$('tick-rules').addEventListener('click', () => tick('rules_reviewed'));
$('export-zip').addEventListener('click', async () => {
  try { await download('/api/export.zip', `evidence-${new Date().toISOString().slice(0, 10)}.zip`); } catch (err) { alert(err.message); }
});

$('backup-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try { await api('/api/backup/target', { method: 'PUT', body: { folder: $('backup-folder').value } }); await api('/api/backup',
    { method: 'POST' }); } catch (err) {
    $('backup-status').className = 'error'; $('backup-status').textContent = err.message; return;
  }
  loadReadiness();
});
$('backup-now').addEventListener('click', async () => {
  try { await api('/api/backup',
    { method: 'POST' }); } catch (err) { $('backup-status').className = 'error'; $('backup-status').textContent = err.message; return; }
  loadReadiness();
});

document.addEventListener('event-saved', loadReadiness);
document.addEventListener('lang-changed', loadReadiness);
document.addEventListener('invitees-changed', loadReadiness);
if (session()?.role === 'admin') { loadReadiness(); setInterval(loadReadiness, 30000); }
