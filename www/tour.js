// The guided tour: short steps, each a small non-modal dialog beside one panel while the real run
// goes on. Next / Back / Close, Esc closes and focus returns to where it was; once closed or
// finished it is remembered as seen in this browser. Wording follows docs/physics.md.

import { t } from './i18n.js';

const SEEN_KEY = 'adsdl-tour-seen';

/** The steps: the panel each one points at; step k's title and text (two or three sentences to
 * read aloud) are `tour.step{k}.title` and `.text` in the string tables. */
export const STEPS = [
  'figure[data-chart="metric"]',
  'figure[data-chart="data"]',
  '#play',
  'figure[data-chart="loss"]',
  'figure[data-chart="metric"]',
  'figure[data-chart="metric"]',
  'figure[data-chart="potential"]',
  '.data-panel',
].map((anchor, k) => ({ anchor, key: `tour.step${k + 1}` }));

export function tourSeen() {
  try {
    return localStorage.getItem(SEEN_KEY) === '1';
  } catch {
    return false;
  }
}

export function createTour({ onClose = () => {} } = {}) {
  const $ = (id) => document.getElementById(id);
  const box = $('tour');
  let at = 0;
  let target = null;
  let returnFocus = null;
  const visible = (el) => el && !el.closest('[hidden]') && el.getClientRects().length > 0;
  // Steps whose panel this system does not show are left out.
  const steps = () => STEPS.filter((s) => visible(document.querySelector(s.anchor)));

  function place(anchor) {
    if (matchMedia('(max-width: 600px)').matches) {
      box.style.removeProperty('top');
      box.style.removeProperty('left');
      return;
    }
    const r = anchor.getBoundingClientRect();
    const width = box.offsetWidth;
    const left = Math.min(Math.max(8, r.left), document.documentElement.clientWidth - width - 8);
    box.style.left = `${left + scrollX}px`;
    box.style.top = `${r.bottom + scrollY + 10}px`;
  }

  function show(k) {
    const list = steps();
    at = Math.max(0, Math.min(k, list.length - 1));
    const step = list[at];
    if (target) target.classList.remove('tour-target');
    target = document.querySelector(step.anchor);
    target.classList.add('tour-target');
    $('tour-count').textContent = `${at + 1} / ${list.length}`;
    $('tour-title').textContent = t(`${step.key}.title`);
    $('tour-text').textContent = t(`${step.key}.text`);
    $('tour-back').disabled = at === 0;
    $('tour-next').textContent = t(at === list.length - 1 ? 'tour.done' : 'tour.next');
    box.hidden = false;
    place(target);
    // On a phone the dialog sits at the bottom of the screen: the panel goes to the top. Elsewhere
    // the panel and the dialog under it are brought into view together.
    const phone = matchMedia('(max-width: 600px)').matches;
    const behavior = matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'instant';
    target.scrollIntoView({ block: phone ? 'start' : 'nearest', behavior });
    if (!phone) box.scrollIntoView({ block: 'nearest', behavior });
    $('tour-title').focus({ preventScroll: true });
  }

  function close() {
    if (box.hidden) return;
    box.hidden = true;
    if (target) target.classList.remove('tour-target');
    target = null;
    try {
      localStorage.setItem(SEEN_KEY, '1');
    } catch {
      // Storage off: the tour is simply offered again next time.
    }
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    onClose();
  }

  $('tour-next').addEventListener('click', () => (at >= steps().length - 1 ? close() : show(at + 1)));
  $('tour-back').addEventListener('click', () => show(at - 1));
  $('tour-close').addEventListener('click', close);
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      close();
    }
  });
  addEventListener('resize', () => { if (!box.hidden && target) place(target); });

  return {
    open(from = document.activeElement) {
      returnFocus = from && from !== document.body ? from : $('play');
      show(0);
    },
    close,
    isOpen: () => !box.hidden,
    step: () => at,
    // The words again, in a newly chosen language.
    refresh: () => { if (!box.hidden) show(at); },
  };
}
