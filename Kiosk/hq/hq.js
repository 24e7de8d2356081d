// The manufacturer's pages: one sign-in, one way to call the API, Chinese first with the shared English switch.
import { t } from '/js/i18n.js';

const KEY = 'hq.session';
export const session = () => JSON.parse(localStorage.getItem(KEY) || 'null');
export const saveSession = (s) => localStorage.setItem(KEY, JSON.stringify(s));
export const signOut = () => { localStorage.removeItem(KEY); location.href = '/hq/'; };

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** The API with the session's token; an error carries the server's own message. */
export async function api(path, { method = 'GET', body, text = false } = {}) {
  const s = session();
  const headers = {};
  if (s) headers.Authorization = `Bearer ${s.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new Error(t('连不上厂家服务，请检查网络', 'The service cannot be reached; check the network'));
  }
  if (res.status === 401 && path !== '/api/login') { signOut(); throw new Error(t('请重新登录', 'Sign in again')); }
  if (res.status === 204) return null;
  if (!res.ok) {
    const err = await res.json().catch(() => ({}));
    const e = new Error(err.message || `${res.status}`);
    e.code = err.error; e.status = res.status;
    throw e;
  }
  return text ? res.text() : res.json();
}

/** Sends a non-admin to sign in; returns the session of one of `roles`. */
export function requireRole(...roles) {
  const s = session();
  if (!s || !roles.includes(s.role)) { location.href = '/hq/'; throw new Error('not signed in'); }
  return s;
}

/** Downloads an authenticated CSV. */
export async function download(path, filename) {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${session().token}` } });
  if (!res.ok) throw new Error((await res.json().catch(() => ({}))).message || `${res.status}`);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = filename;
  a.click();
  URL.revokeObjectURL(a.href);
}

/** The ISO week (YYYY-Www) of a date in Shanghai. */
export function isoWeek(date = new Date()) {
  const sh = new Date(date.getTime() + 8 * 3600e3);
  const d = new Date(Date.UTC(sh.getUTCFullYear(), sh.getUTCMonth(), sh.getUTCDate()));
  const day = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - day);
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d - Date.UTC(year, 0, 1)) / 86400e3 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);

/** The top bar's links for the signed-in role. */
export function nav(el) {
  const s = session();
  const links = {
    hq_admin: [['summary.html', '汇总表', 'Summary'], ['compensation.html', '工时补偿与排名', 'Compensation'], ['admin.html', '经销商与用户', 'Dealers & users']],
    region: [['summary.html', '汇总表', 'Summary'], ['compensation.html', '工时补偿与排名', 'Compensation']],
    agent: [['agent.html', '回访', 'Calls']],
    dealer: [[`dealer.html?code=${encodeURIComponent(s?.dealer_code || '')}`, '本店', 'My dealer'], ['compensation.html', '工时补偿', 'Compensation']],
  }[s?.role] || [];
  el.innerHTML = links.map(([href, zh, en]) => `<a href="/hq/${href}" data-en="${esc(en)}">${esc(zh)}</a>`).join(' ')
    + ` <span class="muted">${esc(s?.user || '')}</span> <button id="signout" data-en="Sign out">退出</button>`;
  el.querySelector('#signout').addEventListener('click', signOut);
}
