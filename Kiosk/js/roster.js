// The door's copy of the guest list, so a scan is still answered while the laptop is out of reach.
// It holds what GET /api/checkins/roster gives: each card's code as SHA-256, masked names, who is in.
import { request } from './api.js';
import { sha256Hex } from './sha256.js';

const KEY = 'kiosk.door.roster';
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The check-in code in whatever was scanned, as the laptop reads it (CheckInCode.extract), or null. */
export function extractCode(scanned) {
  let text = String(scanned || '').trim();
  if (text.length > 2048) return null;
  const at = text.lastIndexOf('/c/');
  if (at >= 0) text = text.slice(at + 3);
  const cut = text.search(/[?#/]/);
  if (cut >= 0) text = text.slice(0, cut);
  const mapped = [...text.toUpperCase()].map((c) => ({ O: '0', I: '1', L: '1' }[c] || c)).join('');
  return mapped.length === 20 && [...mapped].every((c) => ALPHABET.includes(c)) ? mapped : null;
}

export function createRoster() {
  let data = (() => { try { return JSON.parse(localStorage.getItem(KEY) || 'null'); } catch { return null; } })();
  const save = () => { try { localStorage.setItem(KEY, JSON.stringify(data)); } catch { /* storage full: keep it in memory */ } };
  const byHash = () => new Map((data?.entries || []).map((e) => [e.code_sha256, e]));

  return {
    get size() { return data?.entries?.length || 0; },
    get version() { return data?.version ?? null; },
    /** Fetches the list from the laptop; false when it cannot be reached (the copy stays as it was). */
    async refresh() {
      try {
        const { status, data: fresh } = await request('/api/checkins/roster');
        if (status !== 200 || !Array.isArray(fresh.entries)) return false;
        data = fresh; save(); return true;
      } catch { return false; }
    },
    /**
     * Answers a scan from the copy: `{kind: 'ok'|'already'|'unknown'|'revoked'|'invalid', entry}`. An `ok` marks the
     * guest as in, so the same card at this door is "already here" next time.
     */
    answer(scanned, at = new Date().toISOString()) {
      const code = extractCode(scanned);
      if (!code) return { kind: 'invalid' };
      const entry = byHash().get(sha256Hex(code));
      if (!entry) return { kind: 'unknown' };
      if (entry.status === 'revoked') return { kind: 'revoked', entry };
      if (entry.checked_in_at) return { kind: 'already', entry };
      for (const e of data.entries) if (e.id === entry.id && e.status !== 'revoked') e.checked_in_at = at;
      save();
      return { kind: 'ok', entry };
    },
    /** When this guest checked in, as far as the copy knows (null: not yet). */
    arrivedAt(inviteeId) {
      const e = (data?.entries || []).find((x) => x.id === inviteeId && x.status !== 'revoked');
      return e ? e.checked_in_at : null;
    },
    /** Keeps the copy current from the live stream. */
    arrived(inviteeId, at) { setArrival(inviteeId, at); },
    undone(inviteeId) { setArrival(inviteeId, null); },
  };

  function setArrival(id, at) {
    if (!data) return;
    let changed = false;
    for (const e of data.entries) if (e.id === id && e.status !== 'revoked') { e.checked_in_at = at; changed = true; }
    if (changed) save();
  }
}
