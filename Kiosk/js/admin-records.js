// 当天记录: what only the API showed before (issue 24): the failed scans, the audit log with its head, the survey's results
// and export, and the inspections per technician with their export. Read only; each view loads when its tab is tapped.
import { api, download, esc } from './api.js';
import { t, roleName } from './i18n.js';

const $ = (id) => document.getElementById(id);
const time = (at) => new Date(at).toLocaleString([], { hour12: false });

const REASONS = { unknown: ['查无此码', 'Unknown code'], revoked: ['邀请已取消', 'Invitation cancelled'],
  invalid: ['不是签到码', 'Not a check-in code'],
  already_checked_in: ['已签到过', 'Already checked in'] };
const KINDS = { checkin: ['签到', 'Check-in'], checkin_undo: ['撤销签到', 'Check-in undone'],
  checkin_party_size: ['改人数', 'Party size fixed'],
  boarding: ['上车', 'Boarded'], order: ['订单', 'Order'], order_void: ['作废订单', 'Order voided'], spin: ['转盘', 'Spin'],
  grant: ['夺宝令牌', 'Bonus spin'],
  stock_change: ['改库存', 'Stock changed'], draw_created: ['建抽奖', 'Draw created'], draw_frozen: ['冻结名单', 'List frozen'],
  draw_run: ['抽奖', 'Draw run'],
  draw_replacement: ['候补顶替', 'Alternate stepped in'], event_changed: ['改活动设置', 'Event edited'],
  tiers_changed: ['改返利档位', 'Tiers changed'],
  event_closed: ['结束活动', 'Day closed'], event_started: ['开始新活动', 'New event'], invitee_changed: ['改来宾', 'Invitee edited'],
  invitees_imported: ['导入名单', 'List imported'], contact: ['邀约记录', 'Call recorded'],
  reminder_done: ['提醒已完成', 'Reminder done'],
  staff_added: ['加员工', 'Staff added'], staff_removed: ['删员工', 'Staff removed'], staff_pin_changed: ['改 PIN', 'PIN changed'],
  inspection_saved: ['检测', 'Inspection'], followup_call: ['回访', 'Follow-up call'], prize_handed: ['领奖', 'Prize handed'],
  backup_folder_set: ['设备份文件夹', 'Backup folder set'], hq_enrolled: ['登记厂家', 'Enrolled'],
  readiness: ['开场检查', 'Checklist'] };

function table(head, rows, empty) {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')
    || `<tr><td colspan="${head.length}" class="muted">${esc(empty)}</td></tr>`}</tbody></table>`;
}

const views = {
  async failures() {
    const list = await api('/api/checkins/failures');
    return table([t('时间', 'Time'), t('门口', 'Door'), t('原因', 'Reason'), t('扫到的内容', 'What was scanned')],
      list.map((f) => `<tr><td>${esc(time(f.at))}</td><td>${esc(f.door)}</td><td>${esc(t(...(REASONS[f.reason] || [f.reason, f.reason])))}</td>
        <td><code>${esc(f.scanned)}</code></td></tr>`), t('没有未成功的扫码', 'No failed scans'));
  },
  async audit() {
    const [head, rows, staff] = await Promise.all([api('/api/audit/head'), api(`/api/audit?after=0`), api('/api/staff/names').catch(() => [])]);
    const names = Object.fromEntries(staff.map((s) => [s.id, s.name]));
    const latest = rows.slice(-200).reverse().map((r) => {
      const e = JSON.parse(r.entry);
      const who = e.data?.staff_id ? `${names[e.data.staff_id] || `#${e.data.staff_id}`}${e.data.role ? ` · ${roleName(e.data.role)}` : ''}` : '';
      return `<tr><td>${r.seq}</td><td>${esc(time(e.at))}</td><td>${esc(t(...(KINDS[e.kind] || [e.kind, e.kind])))}</td><td>${esc(who)}</td>
        <td><code>${esc(r.hash.slice(0, 8))}</code></td></tr>`;
    });
    return `<p class="muted">${esc(t(
      `日志共到第 ${head.seq} 条，最新哈希 ${head.short}（与主持人屏幕上显示的一致）。下面是最近 200 条。`,
      `The log reaches entry ${head.seq}, latest hash ${head.short} (as the MC screen shows). The latest 200 below.`))}</p>`
      + table(['#', t('时间', 'Time'), t('操作', 'What'), t('操作人', 'By'), t('哈希', 'Hash')], latest,
        t('日志为空', 'The log is empty'));
  },
  async survey() {
    const r = await api('/api/survey/results');
    const rows = r.questions.map((q) => `<tr><td>${esc(q.text)}</td><td>${q.count}</td><td>${q.average ?? '—'}</td>
      <td>${q.distribution.map((n, i) => `${i + 1}★ ${n}`).join(' · ')}</td></tr>`);
    return `<p>${esc(t(`共 ${r.answers} 份问卷`, `${r.answers} answer(s)`))}
      <button type="button" class="secondary" data-export="/api/survey/export.csv|survey.csv">${
  esc(t('导出问卷 (CSV)', 'Export (CSV)'))}</button></p>`
      + table([t('问题', 'Question'), t('回答数', 'Answers'), t('平均分', 'Average'), t('分布', 'Spread')], rows,
        t('还没有问卷', 'No answers yet'))
      + (r.comments.length ? `<h3>${esc(t('留言', 'Comments'))}</h3><ul>${r.comments.map((c) => `<li>${esc(c)}</li>`).join('')}</ul>` : '');
  },
  async technicians() {
    const r = await api('/api/inspections?limit=1');
    return `<p><button type="button" class="secondary" data-export="/api/inspections/export.csv?by=technician|inspections-by-technician.csv">${
      esc(t('导出技师检测数 (CSV)', 'Export per technician (CSV)'))}</button></p>`
      + table([t('技师', 'Technician'), t('检测台数', 'Inspections'), t('其中有紧急项', 'With urgent items')],
        r.technicians.map((x) => `<tr><td>${esc(x.technician)}</td><td>${x.inspections}</td><td>${x.with_urgent}</td></tr>`),
        t('还没有检测', 'No inspections yet'));
  },
};

let shown = null;
async function show(name) {
  shown = name;
  document.querySelectorAll('[data-records]').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.records === name)));
  try { $('records-view').innerHTML = await views[name](); $('records-msg').textContent = ''; } catch (err) {
    $('records-msg').className = 'error'; $('records-msg').textContent = err.message;
  }
}

document.querySelectorAll('[data-records]').forEach((b) => b.addEventListener('click', () => show(b.dataset.records)));
$('records-view').addEventListener('click', (e) => {
  const spec = e.target.dataset?.export;
  if (!spec) return;
  const [path, name] = spec.split('|');
  download(path, name).catch((err) => { $('records-msg').className = 'error'; $('records-msg').textContent = err.message; });
});
document.addEventListener('lang-changed', () => { if (shown) show(shown); });
