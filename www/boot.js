// Before the first paint (a classic script in <head>, so it runs before the body is laid out):
// what a link asks of the layout — an embed, presentation mode, the embed's panels and their
// grid — goes on <html> at once, so nothing moves when app.js later applies the same state
// from the engine (which stays the judge: it recomputes all of it, and a wrong guess here only
// costs the shift this avoids). Flags read as the settings schema reads them (1/true).

// The embed's columns for n panels in a w × h box: as many as make the panels largest (app.js
// uses the same function once the box is laid out).
window.adsdlEmbedColumns = (n, w, h) => {
  let best = { cols: 1, size: 0 };
  for (let cols = 1; cols <= n; cols++) {
    const size = Math.min(w / cols, (1.6 * h) / Math.ceil(n / cols));
    if (size > best.size) best = { cols, size };
  }
  return best.cols;
};

// The language of this visit: a link's `lang=`, else the first of the browser's languages the
// page has, else English. Each language has its own page, written in by the build (index.html,
// ja.html): a visitor on the other one goes to theirs before anything is drawn, so no word
// changes under their eyes. app.js reads the choice from <html lang>.
const PAGES = { en: './', ja: 'ja.html' };
const base = (code) => String(code || '').toLowerCase().split(/[-_]/)[0];
const chooseLang = (search, languages) => {
  const asked = base(new URLSearchParams(search).get('lang'));
  if (asked in PAGES) return asked;
  return (languages || []).map(base).find((l) => l in PAGES) || 'en';
};

(() => {
  const q = new URLSearchParams(location.search);
  const root = document.documentElement;
  const lang = chooseLang(location.search, navigator.languages);
  if (lang !== root.lang) {
    root.dataset.leaving = lang;
    location.replace(new URL(PAGES[lang], location.href).pathname + location.search + location.hash);
    return;
  }
  const flag = (k) => ['1', 'true'].includes(q.get(k));
  root.classList.toggle('embed', flag('embed'));
  root.classList.toggle('present', flag('present'));
  if (!flag('embed')) return;
  const panels = (q.get('panels') || root.dataset.panels || '').split(',').filter(Boolean);
  root.dataset.panels = panels.join(' ');
  // The frame less its padding and the control row, as app.js will measure it.
  root.style.setProperty('--cols', String(window.adsdlEmbedColumns(panels.length, innerWidth - 13, innerHeight - 56)));
})();
