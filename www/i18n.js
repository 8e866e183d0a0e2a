// The page's words: one string table per language (i18n/en.json, i18n/ja.json — the engine
// reads the same files for its charts and messages). Elements name their key:
//   data-t="key"              the text
//   data-th="key"             markup (only the tables' own <b>, <i>, <a>, <sub>, … — never user input)
//   data-ta="attr=key;attr=key"  attributes (aria-label, title, content)

const tables = {};
let current = 'en';

async function fetchTable(lang) {
  if (!tables[lang]) {
    const r = await fetch(new URL(`./i18n/${lang}.json`, import.meta.url));
    if (!r.ok) throw new Error(`i18n/${lang}.json: HTTP ${r.status}`);
    tables[lang] = await r.json();
  }
  return tables[lang];
}

/** Load the table of `lang` (and English, the fallback) and make it current. */
export async function loadStrings(lang) {
  await Promise.all([fetchTable('en'), fetchTable(lang)]);
  current = lang;
  document.documentElement.lang = lang;
}

export function lang() {
  return current;
}

/** The text of `key`, with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = (tables[current] && tables[current][key]) ?? (tables.en && tables.en[key]) ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** Put the current language's words into every keyed element under `root`. */
export function applyStrings(root = document) {
  for (const el of root.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  for (const el of root.querySelectorAll('[data-th]')) el.innerHTML = t(el.dataset.th);
  for (const el of root.querySelectorAll('[data-ta]')) {
    for (const pair of el.dataset.ta.split(';')) {
      const [attr, key] = pair.split('=');
      el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}
