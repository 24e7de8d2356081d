// 厂家上报: enrolment with the manufacturer's service, the queue of checkpoints and packs, and what it answered.
import { api, download, session, esc } from './api.js';
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);

const STATES = {
  waiting: ['等待发送', 'Waiting'], sent: ['已送达', 'Delivered'], refused: ['被拒收', 'Refused'],
  superseded: ['已由新资料包替代', 'Replaced by a newer pack'],
};
const KINDS = { checkpoint: ['日志检查点', 'Log checkpoint'], pack: ['资料包', 'Pack'] };

/** The manufacturer's answer in words: a refusal names its problems; a delivery its pack and count. */
function answer(item) {
  if (item.state === 'waiting') {
    return item.attempts ? t(`尚未送达（已试 ${item.attempts} 次）：${item.last_answer || ''}`,
      `Not delivered yet (${item.attempts} tries): ${item.last_answer || ''}`) : '';
  }
  let body = {};
  try { body = JSON.parse(item.last_answer || '{}'); } catch { return item.last_answer || ''; }
  if (item.state === 'refused') {
    const problems = (body.problems || []).map((p) => `${p.check}: ${p.message}`).join('；');
    return `HTTP ${item.last_status} ${body.error || ''} ${body.message || ''} ${problems}`;
  }
  if (item.kind === 'pack' && body.inspections !== undefined) {
    return t(`已收到 ${body.inspections} 条检测${body.late ? '（晚于周一 17:00）' : ''}`,
      `Received ${body.inspections} inspection(s)${body.late ? ' (after Monday 17:00)' : ''}`);
  }
  return item.last_status === 200 ? t('厂家已持有', 'Held already') : t('已收到', 'Received');
}

function show(s) {
  const e = s.enrolment;
  const box = $('hq-enrolment');
  $('hq-enroll-form').classList.toggle('hidden', !!e);
  $('hq-send').disabled = !e;
  if (!e) {
    box.className = 'muted';
    box.textContent = t(`本机（${s.kiosk_id}）尚未登记。请填写厂家给的服务地址和登记码。`,
      `This laptop (${s.kiosk_id}) is not enrolled yet. Enter the address and the code the manufacturer gave you.`);
  } else {
    const contact = s.last_contact;
    const reach = !contact ? '' : contact.reached
      ? t(`，最近联系 ${new Date(contact.at).toLocaleTimeString()}`, `; last reached ${new Date(contact.at).toLocaleTimeString()}`)
      : t(`，${new Date(contact.at).toLocaleTimeString()} 未能连上（无网络时正常，联网后自动发送）`,
        `; could not reach it at ${new Date(contact.at).toLocaleTimeString()} (normal without internet: it sends once online)`);
    box.className = s.waiting ? 'muted' : 'ok';
    box.textContent = t(`已登记：经销商 ${e.dealer_code}，本机 ${e.kiosk_id}，上报到 ${e.hq_url}。排队中 ${s.waiting} 项${reach}`,
      `Enrolled: dealer ${e.dealer_code}, kiosk ${e.kiosk_id}, reporting to ${e.hq_url}. ${s.waiting} waiting${reach}`);
  }
  $('hq-rows').innerHTML = s.items.map((i) => `<tr class="${i.state === 'refused' ? 'error' : ''}">
    <td>${esc(t(...KINDS[i.kind]))} ${esc(t(`（至第 ${i.n} 条）`, `(up to entry ${i.n})`))}</td><td>${esc(new Date(i.made_at).toLocaleString())}</td>
    <td>${esc(t(...(STATES[i.state] || [i.state, i.state])))}</td><td>${esc(answer(i))}</td></tr>`).join('')
    || `<tr><td colspan="4" class="muted">${t('还没有上报内容', 'Nothing sent yet')}</td></tr>`;
}

async function load() {
  try { show(await api('/api/hq')); } catch (err) { $('hq-enrolment').className = 'error'; $('hq-enrolment').textContent = err.message; }
}

function say(text, ok) { const m = $('hq-msg'); m.className = ok ? 'ok' : 'error'; m.textContent = text; }

$('hq-enroll-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const s = await api('/api/hq/enroll', { method: 'POST', body: { hq_url: $('hq-url').value, code: $('hq-code').value } });
    say(t(`登记成功：经销商 ${s.enrolment.dealer_code}`, `Enrolled: dealer ${s.enrolment.dealer_code}`), true);
    show(s);
  } catch (err) { say(err.message, false); }
});
$('hq-send').addEventListener('click', async () => {
  $('hq-send').disabled = true;
  try {
    const s = await api('/api/hq/send', { method: 'POST' });
    const queued = t(`暂时连不上厂家服务：${s.waiting} 项在排队，联网后自动发送`, `Cannot reach the service now: ${s.waiting} item(s) wait and go once online`);
    say(s.waiting ? queued : t('已全部送达厂家', 'Everything was delivered'), !s.waiting);
    show(s);
  } catch (err) { say(err.message, false); load(); }
});
$('hq-download').addEventListener('click', async () => {
  try { await download('/api/export/hq-pack', `hq-pack-${new Date().toISOString().slice(0, 10)}.zip`); } catch (err) { say(err.message, false); }
});

document.addEventListener('lang-changed', load);
if (session()?.role === 'admin') { load(); setInterval(load, 30000); }
