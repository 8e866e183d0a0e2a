// The guided tour: short steps, each a small non-modal dialog beside one panel while the real run
// goes on. Next / Back / Close, Esc closes and focus returns to where it was; once closed or
// finished it is remembered as seen in this browser. Wording follows docs/physics.md.

const SEEN_KEY = 'adsdl-tour-seen';

/** The steps: the panel each one points at, a title and two or three sentences to read aloud. */
export const STEPS = [
  {
    anchor: 'figure[data-chart="metric"]',
    title: 'A layer is a slice of space',
    text: 'Each layer of this network is one step along an extra dimension η: from the boundary at large η, where the quarks live, to the horizon of a black hole at η = 0. The weight of a layer, h(η), is the geometry there — the red points.',
  },
  {
    anchor: 'figure[data-chart="data"]',
    title: 'The data and the green region',
    text: 'The dots are lattice-QCD measurements: the chiral condensate against the quark mass. A point passes if the field it starts is regular at the horizon; the green region is what the network accepts right now.',
  },
  {
    anchor: '#play',
    title: 'Press Play',
    text: 'Gradient descent moves the weights until the measured points lie in the green region and random points do not. It all runs in your browser; nothing is sent anywhere.',
  },
  {
    anchor: 'figure[data-chart="loss"]',
    title: 'The plateau, and a restart',
    text: 'The loss first sits near 0.25 for a few hundred epochs. About half of all starts head for a dead end; the recipe notices early and starts again from new weights — a grey line here, a message above.',
  },
  {
    anchor: 'figure[data-chart="metric"]',
    title: 'A wall appears',
    text: 'Watch the middle of the metric: h dips below zero. The papers read this dip as an infrared wall — confinement, learned from the data, not put in.',
  },
  {
    anchor: 'figure[data-chart="metric"]',
    title: 'The horizon',
    text: 'Toward η = 0 the weights grow like 1/η: the horizon of a black hole, whose temperature is that of the lattice data, 207 MeV.',
  },
  {
    anchor: 'figure[data-chart="potential"]',
    title: 'f, g and confinement',
    text: 'From h follow the metric functions f and g. A string hanging into this geometry gives the energy of a quark and an antiquark at distance d: it rises linearly, until the plasma screens it.',
  },
  {
    anchor: '.data-panel',
    title: 'Your turn',
    text: 'Try your own measurements here, or choose “Your own spacetime” and drag a blue point of the metric: the network learns the spacetime you drew.',
  },
];

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
    $('tour-title').textContent = step.title;
    $('tour-text').textContent = step.text;
    $('tour-back').disabled = at === 0;
    $('tour-next').textContent = at === list.length - 1 ? 'Done' : 'Next ›';
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
  };
}
