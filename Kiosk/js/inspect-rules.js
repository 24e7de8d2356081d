// The colour rules of the inspection template, mirrored from the server (InspectionRules.swift) so the tablet can
// show colours live as values are typed. The server decides; this only previews.
const RANK = { na: 0, ok: 1, advise: 2, urgent: 3 };
export const COLOUR = { ok: 'green', advise: 'yellow', urgent: 'red', na: 'none' };

export function worse(a, b) { return (RANK[a] ?? 0) >= (RANK[b] ?? 0) ? a : b; }

/** Parses "3.2", "3,2", " 12 " into a number; anything else is null. */
export function toNumber(v) {
  if (v === null || v === undefined) return null;
  const s = String(v).trim().replace(',', '.');
  if (!s || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

function holds(cond, x) {
  const m = /^\s*(<=|>=|<|>)\s*(-?[\d.]+)\s*$/.exec(cond || '');
  if (!m) return false;
  const b = Number(m[2]);
  return { '<=': x <= b, '>=': x >= b, '<': x < b, '>': x > b }[m[1]];
}

/** ok / advise / urgent for one value, or null when it has no thresholds (or its reference is not typed yet). */
export function valueStatus(spec, x, values) {
  if (!spec.green || !spec.red || x === null) return null;
  let m = x;
  if (spec.compare_to) {
    const base = toNumber(values[spec.compare_to]);
    if (base === null) return null;
    m = spec.compare === 'distance' ? Math.abs(x - base) : x - base;
  }
  m = Math.round(m * 1e6) / 1e6;
  if (holds(spec.red, m)) return 'urgent';
  if (holds(spec.green, m)) return 'ok';
  return 'advise';
}

/** Problems with one value as typed: missing is not a problem here (the finish screen lists those). */
export function valueProblem(spec, raw) {
  if (raw === undefined || raw === null || String(raw).trim() === '') return null;
  const x = toNumber(raw);
  if (x === null) return 'not_number';
  if (x < spec.min || x > spec.max) return 'range';
  if (spec.integer && !Number.isInteger(x)) return 'integer';
  return null;
}

/** The item's final status as the server will compute it: the worse of the technician's and the values'. */
export function itemStatus(item, state) {
  if (!state || !state.status) return null;
  if (state.status === 'na') return 'na';
  let s = state.status;
  for (const spec of item.values) {
    const x = toNumber(state.values?.[spec.key]);
    const v = valueStatus(spec, x, state.values || {});
    if (v) s = worse(s, v);
  }
  return s;
}

/** Everything still missing before the check can be submitted, in form order: [{item, text}] with zh/en text. */
export function missing(template, draft) {
  const out = [];
  for (const item of template.items) {
    const st = draft.items[item.id] || {};
    const label = `${item.no} ${item.name}`;
    if (!st.status) { out.push({ item: item.id, zh: `${label}：未检查`, en: `${item.no} ${item.name_en || item.name}: not checked` }); continue; }
    if (st.status !== 'na') {
      for (const spec of item.values) {
        const raw = st.values?.[spec.key];
        const p = valueProblem(spec, raw);
        const empty = raw === undefined || raw === null || String(raw).trim() === '';
        const referenced = item.values.some((v) => v.compare_to === spec.key && toNumber(st.values?.[v.key]) !== null);
        if (empty && (!spec.optional || referenced)) out.push({ item: item.id, zh: `${label} · ${spec.label}：未填写`,
          en: `${item.no} · ${spec.label_en || spec.key}: missing` });
        else if (p) out.push({ item: item.id, zh: `${label} · ${spec.label}：数值有误`,
          en: `${item.no} · ${spec.label_en || spec.key}: not a valid value` });
      }
    }
    const status = itemStatus(item, st);
    if ((status === 'advise' || status === 'urgent') && !(st.advice || '').trim()) {
      out.push({ item: item.id, zh: `${label}：请选择专家建议`, en: `${item.no} ${item.name_en || item.name}: pick the advice` });
    }
  }
  return out;
}

/** The advice phrases for an item in the order to offer them, the best guess for its severity first: for urgent, the
 * replacements (立即更换); for advise, the care and repair phrases (建议保养/建议维修), replacements last. */
export function suggestAdvice(template, item, status) {
  const phrases = [...new Set([...item.advice, ...template.advice])];
  const replaces = (p) => /更换|立即/.test(p);
  const rank = (p) => {
    if (status === 'urgent') return replaces(p) ? (item.advice.includes(p) ? 0 : 1) : 2;
    return replaces(p) ? 3 : item.advice.includes(p) ? 0 : 1;
  };
  return phrases.map((p, n) => ({ p, n, r: rank(p) })).sort((a, b) => a.r - b.r || a.n - b.n).map((x) => x.p);
}
