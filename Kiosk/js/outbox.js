// One offline outbox for every page whose writes must survive a dropped connection (door scans, walk-ins,
// inspections). Each item keeps its nonce until the laptop has answered it, in localStorage, so a reload, a
// crash or a flat battery loses nothing. One set of rules decides what an answer means:
//   - kept:    the laptop was not reached, asked to sign in again (401), was busy (429), or could not save (5xx,
//              including 507 disk full and 503 read-only): the item stays and goes again later, unchanged;
//   - done:    any other answer, 2xx or 4xx (409 already checked in, 404 unknown…): the item leaves the outbox and
//              the page shows the answer;
//   - refused: 413 (too large) and 400/415/422 that the item can never pass: it leaves, with the reason shown (or,
//              with `keepRefused`, stays marked with the reason so a person can reopen and fix it: inspections).
// Duplicates (the same nonce twice) are dropped on the way in. Used by the door (scans, walk-ins) and the workshop.
import { request, inLanguage } from './api.js';

export const KEPT = 'kept';
export const DONE = 'done';
export const REFUSED = 'refused';

/** What an answer (or no answer, `null`) means for the item that got it. */
export function judge(answer) {
  if (!answer) return { verdict: KEPT, why: 'offline' };
  const { status, data } = answer;
  if (status === 401) return { verdict: KEPT, why: 'signin' };
  if (status === 429 || status === 408) return { verdict: KEPT, why: 'busy' };
  if (status >= 500) {
    const storage = data && (data.error === 'disk_full' || data.error === 'storage_read_only');
    return { verdict: KEPT, why: storage ? 'storage' : 'server' };
  }
  if (status === 413 || status === 415 || status === 400 || status === 422) return { verdict: REFUSED,
    why: inLanguage(data && data.message) || `HTTP ${status}` };
  return { verdict: DONE, why: '' };
}

/**
 * An outbox stored under `key`. Items are `{nonce, path, body, label, at, ...anything the page wants}`.
 * `onChange(items)` runs after every change (to redraw a "waiting" list).
 */
export function createOutbox(key, { onChange = () => {}, keepRefused = false } = {}) {
  const items = () => { try { return JSON.parse(localStorage.getItem(key) || '[]'); } catch { return []; } };
  const save = (list) => { localStorage.setItem(key, JSON.stringify(list)); onChange(list); };
  let flushing = false;
  const inFlight = new Set(); // an item being sent by the page right now is not sent again by a flush

  const box = {
    items,
    /** Adds an item unless one with the same nonce is already waiting. */
    add(item) {
      const list = items();
      if (!list.some((x) => x.nonce === item.nonce)) { list.push(item); save(list); }
      return item;
    },
    /** Changes a waiting item in place (e.g. to stamp when a scan was made once it had to wait). */
    update(nonce, change) {
      const list = items();
      const i = list.findIndex((x) => x.nonce === nonce);
      if (i >= 0) { list[i] = change(list[i]); save(list); }
    },
    remove(nonce) { save(items().filter((x) => x.nonce !== nonce)); },
    /** Sends one item; returns `{verdict, why, answer}` and removes the item unless it is kept. */
    async send(item) {
      let answer = null;
      inFlight.add(item.nonce);
      try { answer = await request(item.path, { method: item.method || 'POST', body: item.body }); } catch { answer = null; }
      inFlight.delete(item.nonce);
      const j = judge(answer);
      if (j.verdict === REFUSED && keepRefused) box.update(item.nonce, (x) => ({ ...x, refused: j.why }));
      else if (j.verdict !== KEPT) box.remove(item.nonce);
      return { ...j, answer };
    },
    /** Sends every waiting item in order, stopping at the first that is kept; `onResult(item, result)` for each. */
    async flush(onResult = () => {}) {
      if (flushing) return;
      flushing = true;
      try {
        for (const item of items()) {
          if (inFlight.has(item.nonce) || item.refused) continue;
          const result = await box.send(item);
          if (result.verdict === KEPT) break;
          onResult(item, result);
        }
      } finally { flushing = false; }
    },
  };
  return box;
}
