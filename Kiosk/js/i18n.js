// Chinese first; an English switch. Elements carry their English text in data-en.
const KEY = 'kiosk.lang';

export function lang() { return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh'; }

/** Picks the text for the current language. */
export function t(zh, en) { return lang() === 'en' ? en : zh; }

const ROLE_NAMES = { admin: ['管理员', 'Admin'], greeter: ['接待', 'Greeter'], sales: ['销售顾问', 'Sales'], mc: ['主持人', 'MC'],
  technician: ['技师', 'Technician'] };
/** A job as staff call it, in the chosen language (never the code `greeter` on a Chinese screen). */
export function roleName(role) { return t(...(ROLE_NAMES[role] || [role, role])); }

export function applyLang(root = document) {
  const en = lang() === 'en';
  document.documentElement.lang = en ? 'en' : 'zh-CN';
  root.querySelectorAll('[data-en]').forEach((el) => {
    if (el.dataset.zh === undefined) el.dataset.zh = el.textContent;
    el.textContent = en ? el.dataset.en : el.dataset.zh;
  });
  root.querySelectorAll('[data-en-placeholder]').forEach((el) => {
    if (el.dataset.zhPlaceholder === undefined) el.dataset.zhPlaceholder = el.placeholder;
    el.placeholder = en ? el.dataset.enPlaceholder : el.dataset.zhPlaceholder;
  });
}

/** Wires a button that flips the language and re-renders. */
export function langSwitch(button, onChange) {
  const label = () => { button.textContent = lang() === 'en' ? '中文' : 'English'; };
  label();
  button.addEventListener('click', () => {
    localStorage.setItem(KEY, lang() === 'en' ? 'zh' : 'en');
    applyLang(); label(); if (onChange) onChange();
  });
  applyLang();
}
