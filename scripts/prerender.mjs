// Words at first paint: the page's HTML names string-table keys (data-t, data-th, data-ta); this
// writes one language's words into it, so that the first paint, a link preview and a search
// engine see the page's text, not empty elements. The tables stay the one source: the e2e test
// checks each served page against its table. One page per language (index.html in English,
// ja.html in Japanese): boot.js sends a visitor to the page of their language before anything is
// drawn.
//
// It also writes in what app.js would otherwise generate after the engine starts, so that
// nothing moves then: the default page's settings controls and its embed panels (from `adsdl
// settings --json`, the settings schema's own output), and boot.js, which applies a link's layout
// before the first paint. And it points the page at this build's folder (dist/b/HASH/, see
// scripts/build.sh) and asks for what the page needs at once — the string tables and the modules
// app.js imports — so that they download beside app.js rather than after it. (The wasm is not
// preloaded: app.js fetches it after the first paint, since sharing a slow phone's bandwidth with
// the stylesheet and the first text delayed that paint: LCP 3.3 s against 1.4 s in Lighthouse.)
//
//   node scripts/prerender.mjs LANG www/index.html www/i18n dist b/HASH/ PAGES.json > dist/PAGE
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [lang, htmlPath, tableDir, distDir, assets, pagesPath] = process.argv.slice(2);
if (!assets || !assets.endsWith('/') || !pagesPath) throw new Error('usage: prerender.mjs LANG HTML I18N_DIR DIST ASSET_DIR/ PAGES.json');
const page = JSON.parse(readFileSync(pagesPath, 'utf8')).pages[lang];
if (!page) throw new Error(`${pagesPath}: no page in '${lang}'`);
const tablePath = join(tableDir, `${lang}.json`);
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
// The controls app.js's buildControls() makes, as markup, with the shape mark it compares.
const control = (c) => {
  const input = c.input === 'select'
    ? `<select id="${c.key}">${c.options.map(([v, text]) => `<option value="${escapeAttr(v)}"${v === c.value ? ' selected' : ''}>${escapeText(text)}</option>`).join('')}</select>`
    : `<input type="number" id="${c.key}"${c.min !== null ? ` min="${c.min}"` : ''}${c.max !== null ? ` max="${c.max}"` : ''} step="${c.step}" inputmode="decimal" value="${escapeAttr(c.value)}">`;
  return `<label title="${escapeAttr(c.help)}">${escapeText(c.label)} ${input}</label>`;
};
const filled = (at, inner) => {
  if (!html.includes(at)) throw new Error(`${htmlPath}: no ${at} to fill`);
  const [, open, tag] = /^(.*>)<\/(\w+)>$/.exec(at);
  html = html.replace(at, () => `${open}${inner}</${tag}>`);
};
const shape = JSON.stringify([lang, page.controls.map((c) => [c.key, c.options, c.min, c.max])]);
filled('<span id="system-slot"></span>', page.controls.filter((c) => c.key === 'preset').map(control).join(''));
filled('<div class="row settings" id="settings"></div>', page.controls.filter((c) => c.key !== 'preset').map(control).join(''));
html = html.replace('<div class="row settings" id="settings">', () => `<div class="row settings" id="settings" data-shape="${escapeAttr(shape)}">`);
filled('<span id="ref-caption"></span>', escapeText(page.reference_caption));
html = html.replace('<html lang="en">', () => `<html lang="${lang}" data-panels="${page.state.panels.join(',')}">`);

// This build's folder, and what the page fetches at once from it.
const linked = (attr, file) => {
  const at = `${attr}="${file}"`;
  if (!html.includes(at)) throw new Error(`${htmlPath}: no ${at} to point at ${assets}`);
  html = html.replace(at, `${attr}="${assets}${file}"`);
};
linked('href', 'style.css');
html = html.replace(/(<link rel="stylesheet")/, `<script src="${assets}boot.js"></script>\n$1`);
linked('src', 'app.js');
const app = readFileSync(join(distDir, assets, 'app.js'), 'utf8');
const modules = [...app.matchAll(/^import [^;]*? from '\.\/([^']+)';$/gm)].map((m) => m[1]);
if (!modules.includes('pkg/adsdl.js')) throw new Error(`${assets}app.js: its imports were not found`);
const preloads = [
  // The page's language and English, the fallback (i18n.js loads both).
  ...[...new Set([lang, 'en'])].map((l) => `<link rel="preload" href="${assets}i18n/${l}.json" as="fetch" type="application/json" crossorigin>`),
  ...modules.map((m) => `<link rel="modulepreload" href="${assets}${m}">`),
].join('\n');
html = html.replace(/(<script type="module" src=")/, `${preloads}\n$1`);
process.stdout.write(html);
