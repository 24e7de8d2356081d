// Shared fetch helper: bearer token, JSON in and out, errors as readable messages.
import { lang } from './i18n.js';
const TOKEN_KEY = 'kiosk.token';

export function session() {
  try { return JSON.parse(localStorage.getItem(TOKEN_KEY) || 'null'); } catch { return null; }
}
export function saveSession(s) { localStorage.setItem(TOKEN_KEY, JSON.stringify(s)); }
export function clearSession() { localStorage.removeItem(TOKEN_KEY); }

/** The server says everything twice, "中文 / English": the part for the chosen language. */
export function inLanguage(message) {
  const text = String(message ?? '');
  const cut = text.indexOf(' / ');
  if (cut < 0 || !/[\u4e00-\u9fff]/.test(text.slice(0, cut))) return text;
  return lang() === 'en' ? text.slice(cut + 3) : text.slice(0, cut);
}

export class ApiError extends Error {
  constructor(status, body) {
    super(inLanguage((body && body.message) || `HTTP ${status}`));
    this.full = (body && body.message) || `HTTP ${status}`;
    this.status = status; this.body = body || {};
  }
}

/** Headers for a call: the bearer token, and a content type for the body. */
function prepare(body, contentType) {
  const headers = {};
  const s = session();
  if (s && s.token) headers['Authorization'] = `Bearer ${s.token}`;
  let payload = body;
  if (body !== undefined && !(body instanceof Blob) && typeof body !== 'string') {
    headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body);
  } else if (contentType) headers['Content-Type'] = contentType;
  return { headers, payload };
}

/**
 * Sends one call and reads its JSON answer without judging it: `{status, data, res}`. Throws only when the laptop
 * could not be reached at all. The offline outbox decides from the status what to keep; `api()` throws on errors.
 */
export async function request(path, { method = 'GET', body, contentType } = {}) {
  const { headers, payload } = prepare(body, contentType);
  const res = await fetch(path, { method, headers, body: payload });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { message: text.slice(0, 200) }; }
  if (!readOnlyNotice(res)) storageTrouble(data);
  return { status: res.status, data: data || {}, res };
}

/** Calls the API. `body` objects go as JSON; strings/Blobs go as-is with `contentType`. */
export async function api(path, { method = 'GET', body, contentType, raw = false } = {}) {
  if (raw) {
    const { headers, payload } = prepare(body, contentType);
    const res = await fetch(path, { method, headers, body: payload });
    if (res.ok) return res;
    throw new ApiError(res.status, await res.json().catch(() => null));
  }
  const { status, data } = await request(path, { method, body, contentType });
  if (status === 401 && path !== '/api/login') {
    clearSession();
    location.href = `/?next=${encodeURIComponent(location.pathname)}`;
  }
  if (status < 200 || status >= 300) throw new ApiError(status, data);
  return data;
}

/** The server started on a data folder it cannot write: it says so on every answer. True when it did. */
export function readOnlyNotice(res) {
  if (res.headers.get('X-Kiosk-Storage') !== 'read-only') return false;
  storageTrouble({ error: 'storage_read_only',
    message: '数据文件夹无法写入：只能查看，不能保存，请联系管理员 / The data folder cannot be written: viewing only, nothing can be saved; tell the admin' });
  return true;
}

/** A full disk or a read-only data folder on the laptop: a red bar on every page until a write works again. */
export function storageTrouble(data) {
  const trouble = data && (data.error === 'disk_full' || data.error === 'storage_read_only');
  let bar = document.getElementById('storage-banner');
  if (!trouble) { if (bar && data && !data.error) bar.remove(); return; }
  if (!bar) {
    bar = document.createElement('div');
    bar.id = 'storage-banner'; bar.className = 'storage-banner'; bar.setAttribute('role', 'alert');
    document.body.prepend(bar);
  }
  bar.textContent = `⚠ ${inLanguage(data.message)}`;
}

/** Sends a file with upload progress (fetch has none), resolving to the parsed JSON answer. */
export function upload(path, file, contentType, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    const s = session();
    if (s && s.token) xhr.setRequestHeader('Authorization', `Bearer ${s.token}`);
    xhr.setRequestHeader('Content-Type', contentType);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = { message: xhr.responseText.slice(0, 200) }; }
      storageTrouble(data);
      if (xhr.status >= 200 && xhr.status < 300) resolve(data); else reject(new ApiError(xhr.status, data));
    };
    xhr.onerror = () => reject(new ApiError(0, { message: '无法连接服务器 / Cannot reach the server' }));
    xhr.send(file);
  });
}

/** Downloads an authenticated file (e.g. a CSV export). */
export async function download(path, filename) {
  const res = await api(path, { raw: true });
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob); a.download = filename; a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 5000);
  // What the laptop wants the person to know about the file (e.g. why the SMS list has no links).
  const notice = res.headers.get('X-Kiosk-Notice');
  return notice ? decodeURIComponent(notice) : null;
}

/** Sends the signed-in user back to the start page unless their role may use this page. */
export function requireRole(...roles) {
  const s = session();
  if (!s || !(s.role === 'admin' || roles.includes(s.role))) {
    location.href = `/?next=${encodeURIComponent(location.pathname)}`;
    return null;
  }
  return s;
}

/** A v4 UUID from getRandomValues (crypto.randomUUID needs HTTPS, which the showroom Wi-Fi does not have). */
export function uuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
