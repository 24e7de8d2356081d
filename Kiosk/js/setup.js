// Setting a tablet up once: download the kiosk's CA, trust it, check, then open the door over HTTPS.
import { request, esc } from './api.js';
import { langSwitch, t } from './i18n.js';

const $ = (id) => document.getElementById(id);
let info = null;

let picked = null;

/** The laptop address this device reached it by, if it is one the certificate names; else the first LAN address.
 * For this device's own check. */
function host() {
  const here = location.hostname;
  const known = info.addresses || [];
  if (known.includes(here) || here === '127.0.0.1' || here === 'localhost') return here;
  return known[0] || here;
}

/** The address the QR codes give other devices: never this laptop's own name for itself (issue 24). The one this page
 * was opened by when it is a LAN address, else the first; the admin may pick another. */
function lanHost() {
  const known = info.addresses || [];
  if (picked && known.includes(picked)) return picked;
  return known.includes(location.hostname) ? location.hostname : known[0] || null;
}

function render() {
  if (!info) return;
  const h = lanHost();
  const pick = $('host-pick');
  pick.innerHTML = (info.addresses || []).map((a) => `<option ${a === h ? 'selected' : ''}>${esc(a)}</option>`).join('');
  $('host-row').classList.toggle('hidden', !(info.addresses || []).length);
  $('no-lan').classList.toggle('hidden', !!h);
  if (!h) return;
  $('https-off').classList.toggle('hidden', info.https);
  $('qr-ca').src = `/setup/qr.svg?to=ca&host=${encodeURIComponent(h)}`;
  const caURL = `http://${h}:${info.http_port}/ca.crt`;
  $('ca-link').href = '/ca.crt'; $('ca-link').textContent = caURL;
  $('ca-name').textContent = info.ca_name || '–';
  $('fingerprint').textContent = info.fingerprint || '–';
  $('addresses').textContent = (info.addresses || []).join(' · ') || '–';
  $('devices').textContent = t(`已有 ${info.devices} 台设备通过 HTTPS 连接过`, `${info.devices} device(s) have connected over HTTPS so far`);
  for (const id of ['step-ca', 'step-trust', 'step-door']) $(id).classList.toggle('hidden', !info.https);
  if (info.https) {
    const door = `https://${h}:${info.https_port}/door.html`;
    $('qr-door').src = `/setup/qr.svg?to=door&host=${encodeURIComponent(h)}`;
    $('door-link').href = door; $('door-link').textContent = door;
  }
}

/** Asks the HTTPS port from this page: the request only succeeds when this device trusts the kiosk's CA. */
async function check() {
  const out = $('check-result');
  if (!info || !info.https) { out.className = 'check bad'; out.textContent = t('此电脑未开启 HTTPS', 'HTTPS is off on this kiosk'); return; }
  out.className = 'check'; out.textContent = t('检查中…', 'Checking…');
  const url = `https://${host()}:${info.https_port}/api/tls-check`;
  try {
    const res = await fetch(url, { cache: 'no-store' });
    const data = await res.json();
    if (!data.secure) throw new Error('not secure');
    out.className = 'check good';
    out.innerHTML = `✓ ${esc(t('这台设备已信任本机证书，可以用摄像头扫码。', 'This device trusts the kiosk: camera scanning works.'))}
      <a href="https://${esc(host())}:${info.https_port}/door.html">${esc(t('打开门口签到页 →', 'Open the door page →'))}</a>`;
  } catch {
    out.className = 'check bad';
    out.textContent = `✗ ${t('尚未信任：请完成第 1、2 步（iPad 别忘了「证书信任设置」），然后再检查。',
      'Not trusted yet: do steps 1 and 2 (on an iPad, do not forget Certificate Trust Settings), then check again.')}`;
  }
}

async function load() {
  try { info = (await request('/api/device-setup')).data; } catch { info = null; }
  render();
}

langSwitch($('lang'), render);
$('host-pick').addEventListener('change', (e) => { picked = e.target.value; render(); });
$('check-btn').addEventListener('click', check);
load();
