// Words at first paint: the page's HTML names string-table keys (data-t, data-th, data-ta); this
// writes the English table's words into it, so that the first paint, a link preview and a search
// engine see the page's text, not empty elements (the page still sets them from the table of its
// language). The table stays the one source: the e2e test checks the served HTML against it.
//
//   node scripts/prerender.mjs www/index.html www/i18n/en.json > dist/index.html
import { readFileSync } from 'node:fs';

const [htmlPath, tablePath] = process.argv.slice(2);
const table = JSON.parse(readFileSync(tablePath, 'utf8'));
const word = (key) => {
  if (!(key in table)) throw new Error(`${htmlPath}: key '${key}' is in no string table (${tablePath})`);
  return table[key];
};
const escapeText = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s) => escapeText(s).replace(/"/g, '&quot;');

let html = readFileSync(htmlPath, 'utf8');
// Elements whose text (data-t) or markup (data-th) comes from the table; their content in the
// source is empty or a placeholder, replaced whole. The tables' markup is their own (b, i, a, …).
html = html.replace(/<(\w+)([^>]*?)\sdata-(t|th)="([^"]+)"([^>]*)>([\s\S]*?)<\/\1>/g, (m, tag, before, kind, key, after) => {
  const inner = kind === 't' ? escapeText(word(key)) : word(key);
  return `<${tag}${before} data-${kind}="${key}"${after}>${inner}</${tag}>`;
});
// Attributes (data-ta="attr=key;attr=key"): set or replace each.
html = html.replace(/<(\w+)([^>]*?)\sdata-ta="([^"]+)"([^>]*)>/g, (m, tag, before, spec, after) => {
  let attrs = `${before} data-ta="${spec}"${after}`;
  for (const pair of spec.split(';')) {
    const [attr, key] = pair.split('=').map((x) => x.trim());
    const value = escapeAttr(word(key));
    const re = new RegExp(`\\s${attr}="[^"]*"`);
    attrs = re.test(attrs) ? attrs.replace(re, ` ${attr}="${value}"`) : `${attrs} ${attr}="${value}"`;
  }
  // A self-closing or void tag keeps its ending.
  return `<${tag}${attrs}>`;
});
process.stdout.write(html);
