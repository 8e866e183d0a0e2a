// The page: controls, the animation loop and downloads. All physics and all chart drawing
// happen in Rust (pkg/adsdl.js); this module only wires the DOM to it.
import init, { App } from './pkg/adsdl.js';
import { trainingLoop } from './trainer-loop.js';
import { createTour, tourSeen } from './tour.js';
import { createRecorder, recordingUnsupported } from './recorder.js';
import { applyStrings, lang, loadStrings, t } from './i18n.js';
import { createInversePanel } from './inverse.js';
import { createEnsemblePanel } from './ensemble.js';
import { createStore } from './store.js';

const $ = (id) => document.getElementById(id);
const SPEED_NAMES = ['1', '2', '5', '10', '20', '50', '100', '200'];
// The run survives a reload: its session (parameters, optimiser, history) is kept in this
// browser, one per run (store.js). The training loop sends it every few seconds while it trains
// and whenever it stops.
const store = createStore();
// What the last save came to ('ok', 'full', 'other-tab', 'unavailable'): a change is said once.
let saveOutcome = 'ok';
// The tab is hidden or leaving and has let go of its run: a late snapshot must not take it back.
let away = false;

// `app` only shows the run: the training loop (trainer-loop.js) trains its own App of the same
// configuration in a Web Worker and posts snapshots, which `app` draws.
let app = null;
let playing = false;
let resumeWhenVisible = false;
let lastSteps = -1;
const lastDraw = {};
// Where the page's frames go: draws, total and longest milliseconds per chart (the benchmark reads it).
const drawCost = {};
const offScreen = new Set();
// Charts that skipped a draw while out of sight.
const stale = new Set();
const visibility = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (e.isIntersecting) offScreen.delete(e.target);
    else offScreen.add(e.target);
  }
});
let forceDraw = true;
// The recipe's interventions already shown (a new one replaces the message line).
const shownEvents = { count: 0 };
const darkQuery = matchMedia('(prefers-color-scheme: dark)');
const firstFrame = { ms: null };

// A page that cannot go on says why; one that could not start offers to forget what this
// browser saved (a saved run or link it cannot carry) and begin from the plain page.
function fatal(text, { fresh = false } = {}) {
  const el = $('fatal');
  el.textContent = text;
  if (fresh) {
    const b = document.createElement('button');
    b.type = 'button';
    b.id = 'fatal-fresh';
    b.textContent = t('actions.fresh');
    b.title = t('actions.fresh.title');
    b.addEventListener('click', () => {
      store.forget(null);
      location.href = location.pathname;
    });
    el.append(' ', b);
  }
  el.hidden = false;
}

function showNotices(list) {
  const ul = $('notices');
  ul.replaceChildren(...list.map((n) => {
    const li = document.createElement('li');
    li.textContent = n;
    return li;
  }));
  ul.hidden = list.length === 0;
}

// One message at a time, over the page (bottom of the window) rather than in it, so that
// nothing below moves when it comes or goes. It covers a strip of the charts, so it goes by
// itself after MESSAGE_MS (a click sends it sooner); screen readers have it at once (role=status).
const MESSAGE_MS = 15000;
let messageTimer = 0;
function say(text) {
  const el = $('message');
  el.textContent = text || '';
  el.hidden = !text;
  clearTimeout(messageTimer);
  if (text) messageTimer = setTimeout(() => say(''), MESSAGE_MS);
}

// The training loop: a dedicated Web Worker, or this page where none can be started.
const engine = { post: null, kind: null, gen: 0, nextId: 1, pending: new Map(), session: null, snapshots: 0 };

function onEngineMessage(m) {
  if (m.type === 'snapshot') {
    // Snapshots of the run before a later call (a reset, a new setting) are stale.
    if (m.gen !== engine.gen) return;
    try {
      app.show(m.snap);
    } catch (e) {
      say(t('js.worker_bad_state', { error: e.message || e }));
      return;
    }
    engine.snapshots += 1;
    if (m.session) {
      engine.session = m.session;
      save();
    }
    if (playing && m.snap.paused_reason) setPlaying(false);
  } else if (m.type === 'done') {
    const resolve = engine.pending.get(m.id);
    engine.pending.delete(m.id);
    if (resolve) resolve(m.result);
  } else if (m.type === 'error') {
    say(t('js.training_error', { error: m.message }));
  } else if (m.type === 'failed') {
    engineFailed(m.message);
  }
}

// The worker could not run the engine (its script or its wasm did not load): before it has
// shown anything, train on this page instead; later, say so. Either way nothing waits on it.
let dropWorker = () => {};
function engineFailed(message) {
  dropWorker();
  for (const resolve of engine.pending.values()) resolve(null);
  engine.pending.clear();
  if (engine.snapshots === 0) {
    startOnPage(engine.session);
    if (playing) engine.post({ type: 'play', on: true });
  } else {
    say(t('js.worker_stopped', { error: message }));
  }
}

// Ask the loop something and wait until it (and everything posted before it) is done.
function request(message) {
  const id = engine.nextId++;
  return new Promise((resolve) => {
    engine.pending.set(id, resolve);
    engine.post({ ...message, id });
  });
}

function startOnPage(session) {
  const handle = trainingLoop(App, (m) => onEngineMessage(m));
  engine.kind = 'page';
  engine.post = (m) => setTimeout(() => handle(m), 0);
  engine.post({ type: 'init', query: app.query(), session, gen: engine.gen });
}

function startEngine(session) {
  let worker = null;
  try {
    worker = typeof Worker === 'function' ? new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' }) : null;
  } catch {
    worker = null;
  }
  if (!worker) {
    startOnPage(session);
    return;
  }
  engine.kind = 'worker';
  dropWorker = () => worker.terminate();
  worker.onmessage = (e) => onEngineMessage(e.data);
  // A browser that cannot run module workers, or a worker script that did not load.
  worker.onerror = (e) => engineFailed(e.message || e);
  engine.post = (m) => worker.postMessage(m);
  engine.post({ type: 'init', query: app.query(), session, gen: engine.gen });
}

// A change to the run: made here first (so a rejected one throws and changes nothing), then in
// the training loop, whose later snapshots belong to the changed run.
function both(method, ...args) {
  const result = app[method](...args);
  // The spectrum belongs to the run as it was: ask again even if the step count is the same
  // (an imported model, a reset).
  Object.assign(spectrumJob, { at: -1e9, steps: -1 });
  engine.gen += 1;
  engine.post({ type: 'call', gen: engine.gen, method, args });
  return result;
}

function state() { return app.state(); }
function status() { return app.status(); }

function writeUrl() {
  history.replaceState(null, '', `?${app.query()}`);
}

// The settings controls are generated from the Rust settings schema (app.controls()): a
// setting declared there appears here with its label, range and options. The build writes the
// default page's controls into index.html (scripts/prerender.mjs) with the same shape mark; while
// the shape is unchanged they are kept and only their values follow, so nothing moves at start.
// Changes reach change() through one listener per container (bind()), whoever made the element.
let controlsShape = null;
function buildControls(list) {
  const shape = JSON.stringify([lang(), list.map((c) => [c.key, c.options, c.min, c.max])]);
  if (controlsShape === null) controlsShape = $('settings').dataset.shape || '';
  if (shape === controlsShape) {
    for (const c of list) {
      const el = $(c.key);
      if (el && el !== document.activeElement && el.value !== c.value) el.value = c.value;
    }
    return;
  }
  controlsShape = shape;
  $('settings').dataset.shape = shape;
  const make = (c) => {
    const label = document.createElement('label');
    label.title = c.help;
    label.append(`${c.label} `);
    let el;
    if (c.input === 'select') {
      el = document.createElement('select');
      for (const [value, text] of c.options) {
        const o = document.createElement('option');
        o.value = value;
        o.textContent = text;
        el.append(o);
      }
    } else {
      el = document.createElement('input');
      el.type = 'number';
      if (c.min !== null) el.min = String(c.min);
      if (c.max !== null) el.max = String(c.max);
      el.step = c.step;
      el.inputMode = 'decimal';
    }
    el.id = c.key;
    el.value = c.value;
    label.append(el);
    return label;
  };
  $('system-slot').replaceChildren(...list.filter((c) => c.key === 'preset').map(make));
  $('settings').replaceChildren(...list.filter((c) => c.key !== 'preset').map(make));
}

function syncControls() {
  const st = state();
  buildControls(app.controls());
  $('speed').max = String(st.max_speed);
  $('speed').value = st.speed;
  $('speed-out').textContent = t('controls.speed_out', { speed: SPEED_NAMES[st.speed] || t('controls.speed_max') });
  // Panels and counters of what this system has: its charts, couplings, own data, own metric.
  const charts = new Set(app.charts().map((c) => c.name));
  for (const f of document.querySelectorAll('figure[data-chart]')) f.hidden = !charts.has(f.dataset.chart);
  for (const el of document.querySelectorAll('[data-when]')) el.hidden = !st[el.dataset.when];
  // This network's own V(d) needs a metric with a temperature and L in GeV (QCD).
  $('inv-source').querySelector('option[value=model]').disabled = !st.learns_couplings;
  // A lecturer's link that names a potential shows its panel in presentation mode too.
  $('inverse').classList.toggle('chrome', !st.potential || st.embed);
  $('ref-caption').textContent = st.reference_caption;
  $('compare').checked = st.compare;
  $('laplace').checked = st.laplace;
  spectrumJob.laplace = st.laplace && st.accepts_measurements;
  document.body.classList.toggle('editable', st.metric_editable);
  if (document.activeElement !== $('metric-text')) $('metric-text').value = app.metric_points_csv();
  document.documentElement.classList.toggle('embed', st.embed);
  document.documentElement.classList.toggle('present', st.present);
  app.set_high_contrast(st.present);
  if (st.embed) {
    // The panels shown, by the CSS boot.js used on the first frame, now from the engine's state.
    document.documentElement.dataset.panels = st.panels.join(' ');
    const full = new URL(location.href);
    full.searchParams.delete('embed');
    full.searchParams.delete('panels');
    $('full-page').href = full.href;
    layoutEmbed();
  }
}

// Each chart in words, in a polite live region, at most every few seconds.
const DESCRIBE_MS = 5000;
let lastDescribe = 0; // the first descriptions after a few seconds, not on the first frame
function describeCharts(now) {
  if (now - lastDescribe < DESCRIBE_MS) return;
  lastDescribe = now;
  for (const { name } of app.charts()) {
    const el = $(`desc-${name}`);
    if (!el || el.closest('figure').hidden) continue;
    try {
      const text = app.describe(name);
      if (el.textContent !== text) el.textContent = text;
    } catch {
      // A description is a courtesy: a failure leaves the last one.
    }
  }
}

// Apply one changed setting: the Rust side decides whether the run restarts (anything but the
// learning rate and display settings) and clamps what is out of range.
function change(key, value) {
  const q = new URLSearchParams(app.query());
  if (key === 'preset') {
    for (const k of [...q.keys()]) if (!['seed', 'speed', 'embed', 'present', 'lang'].includes(k)) q.delete(k);
  }
  q.set(key, value);
  try {
    showNotices(both('apply', q.toString()));
  } catch (e) {
    say(t('js.not_applied', { error: e.message || e }));
  }
  syncControls();
  writeUrl();
  forceDraw = true;
}

function setPlaying(on) {
  if (on !== playing) engine.post({ type: 'play', on });
  playing = on;
  // A clip records training: Pause ends it.
  if (!on && recorder) recorder.stop();
  $('play').textContent = t(on ? 'controls.pause' : 'controls.play');
  $('play').setAttribute('aria-pressed', String(on));
}

function sizeCanvases() {
  const dpr = window.devicePixelRatio || 1;
  for (const c of document.querySelectorAll('canvas')) {
    const w = Math.max(1, Math.round(c.clientWidth * dpr));
    const h = Math.max(1, Math.round(c.clientHeight * dpr));
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
  }
  forceDraw = true;
}

// Presentation mode doubles text and lines: ≥ 24 px chart text and ≥ 3 px lines on a projector.
function chartScale() {
  return (window.devicePixelRatio || 1) * (document.documentElement.classList.contains('present') ? 2 : 1);
}

// Embedded: as many columns as make the chosen panels largest in the frame.
function layoutEmbed() {
  if (!document.documentElement.classList.contains('embed')) return;
  const { panels } = state();
  const shown = [...document.querySelectorAll('figure[data-chart]')].filter((f) => !f.hidden && panels.includes(f.dataset.chart));
  const box = $('charts').getBoundingClientRect();
  $('charts').style.setProperty('--cols', String(window.adsdlEmbedColumns(shown.length, box.width, box.height)));
}

function redraw(now) {
  const steps = status().steps;
  const changed = steps !== lastSteps;
  for (const { name, redraw_ms: every } of app.charts()) {
    const due = now - (lastDraw[name] || -1e9) >= every;
    if (!(forceDraw || stale.has(name) || (changed && due))) continue;
    const canvas = $(`chart-${name}`);
    if (!canvas || canvas.clientWidth === 0) continue;
    // A chart scrolled out of sight waits (on a phone most are): it is drawn as soon as it comes
    // back into view — unless it is being recorded.
    if (offScreen.has(canvas) && !(recorder && recorder.active())) {
      stale.add(name);
      continue;
    }
    stale.delete(name);
    const t0 = performance.now();
    try {
      app.draw(name, canvas, darkQuery.matches, chartScale());
    } catch (e) {
      say(t('js.draw_failed', { chart: t(`chart.${name}.name`), error: e.message || e }));
    }
    const d = (drawCost[name] ||= { draws: 0, ms: 0, max: 0 });
    const ms = performance.now() - t0;
    d.draws += 1;
    d.ms += ms;
    d.max = Math.max(d.max, ms);
    lastDraw[name] = now;
    if (name === 'potential') showObservables();
  }
  // Canvases are cleared when resized or re-themed: the finished ensemble and the inversion are
  // drawn again too.
  if (forceDraw) ensemble.redraw();
  if (inverse) {
    if (forceDraw) inverse.redraw();
    else inverse.tick(now, steps);
  }
  if (firstFrame.ms === null) firstFrame.ms = performance.now();
  lastSteps = steps;
  forceDraw = false;
}

// The wall and the screening distance, read out under their charts, with how much the
// continuation to the horizon (which the data do not fix) moves them; that range is dearer and
// refreshed less often.
const RANGE_MS = 6000;
// Not on the first frame: the page shows itself first.
const range = { at: 0, value: null };
function showObservables() {
  const o = app.observables();
  const now = performance.now();
  if (now - range.at > RANGE_MS) {
    range.value = app.continuation_range();
    range.at = now;
  }
  const c = range.value;
  $('k-wall').textContent = o && o.f_peak ? t('obs.wall', { eta: o.f_peak[0].toFixed(3), fm: o.f_peak_fm.toFixed(2) }) : '';
  const spread = c
    ? t('obs.spread', {
      from: c.eta_m[0].toFixed(3), to: c.eta_m[1].toFixed(2), lo: c.d_screen[0].toFixed(2), hi: c.d_screen[1].toFixed(2),
    })
    : '';
  $('k-screen').textContent = o
    ? t('obs.screen', {
      linear: o.d_linear.toFixed(3), screen: o.d_screen.toFixed(3), fm: o.d_screen_fm.toFixed(3), tip: fmt(o.tip_eta, 2), spread,
    })
    : t('obs.no_horizon');
}

const fmt = (v, digits) => (v === null || v === undefined ? '–' : Number(v).toFixed(digits));

function updateCounters(s) {
  $('k-epoch').textContent = s.epoch;
  $('k-rate').textContent = Math.round(s.batches_per_second);
  $('k-loss').textContent = s.loss === null ? '–' : Number(s.loss).toPrecision(3);
  $('k-l').textContent = fmt(s.ads_radius, 3);
  $('k-invl').textContent = s.ads_radius ? fmt(s.inv_l_mev, 0) : '–';
  $('k-lambda').textContent = fmt(s.lambda, 4);
  $('k-attempt').textContent = s.attempt;
  $('k-verdict').textContent = s.verdict;
  if (s.paused_reason) {
    say(s.paused_reason);
  } else if (s.events.length > shownEvents.count) {
    const e = s.events[s.events.length - 1];
    say(t('js.event', { epoch: e.epoch, message: e.message }));
  }
  shownEvents.count = s.events.length;
}

// "From the potential to the bulk" (inverse.js): made in main(), once the engine runs.
let inverse = null;

// The in-page ensemble (ensemble.js): its members train in Web Workers of their own.
const ensemble = createEnsemblePanel({
  $, query: () => app.query(), dark: () => darkQuery.matches, scale: chartScale, onShown: sizeCanvases,
});

// An embedded page (embed=1) shows the run its host's link names, every time: it neither
// continues nor keeps a run (two embeds of one run on a workshop page would otherwise hand
// each other a paused run).
function save() {
  if (!engine.session || state().embed || away) return;
  const r = store.save(app.run_query(), engine.session);
  for (const run of r.dropped) say(t('js.run_dropped', { run }));
  const outcome = r.ok ? 'ok' : r.reason;
  // Storage disabled (a sandboxed embed) is not news; a full one, or another tab's run, is.
  if (outcome !== saveOutcome && outcome !== 'unavailable') {
    say(t(outcome === 'ok' ? 'js.save_ok_again' : outcome === 'full' ? 'js.save_full' : 'js.save_other_tab'));
  }
  saveOutcome = outcome;
}

// Continue the run saved in this browser for the run the link names (the newest saved run when
// the link names none).
function restoreSaved() {
  if (state().embed) return null;
  store.migrate((query) => App.run_query_of(query));
  const q = location.search.slice(1);
  const named = App.run_query_of(q) !== App.run_query_of('') || /(^|&)(preset|seed)=/.test(q);
  const saved = store.find(named ? app.run_query() : null);
  if (!saved) return null;
  try {
    app.restore(saved.session);
  } catch (e) {
    store.forget(saved.run);
    say(t('js.restore_failed', { error: e.message || e }));
    return null;
  }
  shownEvents.count = status().events.length;
  const when = new Date(saved.saved).toLocaleString(lang());
  say(t('js.continuing', { when, epoch: status().epoch }));
  engine.session = saved.session;
  return saved.session;
}

// What the data determine is computed in the training loop (a pass over every training point,
// too dear for a frame here), at most every SPECTRUM_MS while its panel is in view, or the
// metric panel with the Laplace band it carries.
const SPECTRUM_MS = 3000;
const spectrumJob = { at: -1e9, busy: false, steps: -1, laplace: false };
function refreshSpectrum(now) {
  const inView = (id) => !$(id).closest('figure').hidden && !offScreen.has($(id));
  const wanted = inView('chart-spectrum') || (spectrumJob.laplace && inView('chart-metric'));
  if (spectrumJob.busy || !wanted) return;
  const steps = status().steps;
  if (steps === spectrumJob.steps || now - spectrumJob.at < SPECTRUM_MS) return;
  Object.assign(spectrumJob, { at: now, busy: true, steps });
  const gen = engine.gen;
  request({ type: 'spectrum' }).then((s) => {
    spectrumJob.busy = false;
    if (gen !== engine.gen || !s) { // the run changed meanwhile: ask again
      spectrumJob.steps = -1;
      return;
    }
    app.set_spectrum(s);
    stale.add('spectrum');
    if (spectrumJob.laplace) stale.add('metric');
  });
}

// Each frame draws the latest snapshot: training goes on meanwhile in the worker.
function frame(now) {
  const s = status();
  refreshSpectrum(now);
  redraw(now);
  if (recorder) recorder.frame(now);
  describeCharts(now);
  updateCounters(s);
  requestAnimationFrame(frame);
}

function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function baseName() {
  const s = status();
  return `adsdl-${s.preset}-seed${state().config.seed}-epoch${s.epoch}`;
}

function embedSnippet() {
  const url = new URL(location.href);
  url.searchParams.set('embed', '1');
  url.searchParams.delete('present');
  const panels = [...document.querySelectorAll('#embed-panels input:checked')].map((i) => i.value);
  if (panels.length) url.searchParams.set('panels', panels.join(','));
  const [w, h] = $('embed-size').value.split('x');
  const src = url.href.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<iframe src="${src}" width="${w}" height="${h}" style="border:0" title="${t('embed.iframe_title')}" loading="lazy"></iframe>`;
}

// A fieldset's ticks, one per chart `names` (its legend kept), ticked where `checked(name, k)`.
function fillPanelTicks(box, names, checked, onChange = null) {
  const legend = box.querySelector('legend');
  box.replaceChildren(legend, ...names.map((name, k) => {
    const label = document.createElement('label');
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.value = name;
    input.checked = checked(name, k);
    if (onChange) input.addEventListener('change', onChange);
    label.append(input, ` ${t(`chart.${name}.name`)}`);
    return label;
  }));
}

function fillEmbedPanels() {
  const chosen = new Set(state().panels);
  fillPanelTicks($('embed-panels'), app.charts().map(({ name }) => name), (name) => chosen.has(name), () => {
    $('embed-code').value = embedSnippet();
  });
}

function togglePresent() {
  const on = !document.documentElement.classList.contains('present');
  change('present', on ? '1' : '0');
  if (on && document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen().catch(() => {});
  } else if (!on && document.fullscreenElement) {
    document.exitFullscreen().catch(() => {});
  }
  requestAnimationFrame(sizeCanvases);
}

function stepOnce() {
  setPlaying(false);
  engine.post({ type: 'run', steps: 1 });
}

function resetRun() {
  both('reset');
  say('');
  forceDraw = true;
}

// Dragging a blue point of the metric chart (systems whose metric is the user's): the chart
// reports where it put its axes, so a pointer position maps to (η, h).
function bindMetricDrag() {
  const canvas = $('chart-metric');
  let dragging = null;
  const toData = (e) => {
    const g = app.metric_geometry();
    if (!g) return null;
    const r = canvas.getBoundingClientRect();
    const px = ((e.clientX - r.left) * canvas.width) / r.width;
    const py = ((e.clientY - r.top) * canvas.height) / r.height;
    const eta = g.x[0] + ((px - g.px_x[0]) / (g.px_x[1] - g.px_x[0])) * (g.x[1] - g.x[0]);
    const h = g.y[1] - ((py - g.px_y[0]) / (g.px_y[1] - g.px_y[0])) * (g.y[1] - g.y[0]);
    return { eta, h, px, py, g };
  };
  canvas.addEventListener('pointerdown', (e) => {
    if (!state().metric_editable) return;
    const d = toData(e);
    if (!d) return;
    // The nearest layer point within 24 CSS pixels of the pointer.
    const scale = canvas.width / canvas.getBoundingClientRect().width;
    let best = null;
    app.reference_points().forEach(([eta, h], k) => {
      const x = d.g.px_x[0] + ((eta - d.g.x[0]) / (d.g.x[1] - d.g.x[0])) * (d.g.px_x[1] - d.g.px_x[0]);
      const y = d.g.px_y[0] + ((d.g.y[1] - h) / (d.g.y[1] - d.g.y[0])) * (d.g.px_y[1] - d.g.px_y[0]);
      const dist = Math.hypot(x - d.px, y - d.py) / scale;
      if (dist < 24 && (!best || dist < best.dist)) best = { k, dist };
    });
    if (!best) return;
    dragging = best.k;
    canvas.setPointerCapture(e.pointerId);
    e.preventDefault();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (dragging === null) return;
    const d = toData(e);
    if (!d) return;
    try {
      both('set_metric_point', dragging, d.h);
      forceDraw = true;
    } catch (err) {
      say(t('metric.drag_rejected', { error: err.message || err }));
    }
  });
  const end = () => {
    if (dragging === null) return;
    dragging = null;
    syncControls();
    writeUrl();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
}

// The guided tour (also `tour=1` in the link); the button carries a dot until it has been seen.
let tour = null;
function bindTour() {
  tour = createTour({
    onClose: () => {
      $('tour-open').classList.remove('new');
      if (state().tour) change('tour', '0');
    },
  });
  $('tour-open').classList.toggle('new', !tourSeen());
  $('tour-open').addEventListener('click', (e) => (tour.isOpen() ? tour.close() : tour.open(e.currentTarget)));
}

// Recording a clip of the chosen panels.
let recorder = null;
function fillRecordPanels() {
  const visible = app.charts().map(({ name }) => name).filter((n) => !$(`chart-${n}`).closest('figure').hidden);
  fillPanelTicks($('record-panels'), visible, (name, k) => k < 2);
}

function bindRecorder() {
  const why = recordingUnsupported();
  if (why) {
    $('record').disabled = true;
    $('record').dataset.ta = `title=${why}`;
    $('record-msg').dataset.t = why;
    applyStrings();
    return;
  }
  recorder = createRecorder({
    onTick: (at, total) => {
      const mmss = (x) => `${Math.floor(x / 60)}:${String(Math.floor(x % 60)).padStart(2, '0')}`;
      $('rec-indicator').textContent = t('record.indicator', { at: mmss(at), total: mmss(total) });
    },
    onDone: (blob, name) => {
      $('rec-indicator').hidden = true;
      $('record-start').disabled = false;
      $('record-msg').textContent = t('record.done', { mb: (blob.size / 1e6).toFixed(1), name });
      download(name, blob);
    },
  });
  $('record').addEventListener('click', () => {
    const box = $('record-box');
    box.hidden = !box.hidden;
    $('record').setAttribute('aria-expanded', String(!box.hidden));
    if (!box.hidden) fillRecordPanels();
  });
  $('record-start').addEventListener('click', () => {
    const names = [...document.querySelectorAll('#record-panels input:checked')].map((i) => i.value);
    if (!names.length) {
      $('record-msg').textContent = t('record.none');
      return;
    }
    const seconds = Number($('record-length').value);
    recorder.start(names.map((n) => $(`chart-${n}`)), seconds, `${baseName()}-${names.join('+')}.webm`);
    $('record-start').disabled = true;
    $('rec-indicator').hidden = false;
    $('record-msg').textContent = t('record.recording');
    setPlaying(true);
  });
}

function bind() {
  $('play').addEventListener('click', () => setPlaying(!playing));
  $('step').addEventListener('click', stepOnce);
  $('reset').addEventListener('click', resetRun);
  $('speed').addEventListener('input', (e) => change('speed', e.target.value));
  $('export-model').addEventListener('click', () =>
    download(`${baseName()}.json`, new Blob([app.export_model()], { type: 'application/json' })));
  $('export-csv').addEventListener('click', () =>
    download(`${baseName()}-metric.csv`, new Blob([app.metric_csv()], { type: 'text/csv' })));
  for (const b of document.querySelectorAll('button.png')) {
    b.addEventListener('click', () => $(`chart-${b.dataset.chart}`).toBlob((blob) => download(`${baseName()}-${b.dataset.chart}.png`, blob)));
  }
  $('import-model').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    try {
      both('import_model', await file.text());
      syncControls();
      writeUrl();
      say(t('actions.import_ok', { file: file.name }));
    } catch (err) {
      say(t('actions.import_failed', { file: file.name, error: err.message || err }));
    }
    e.target.value = '';
    forceDraw = true;
  });
  $('share').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      say(t('actions.share_ok'));
    } catch {
      say(t('actions.share_link', { url: location.href }));
    }
  });
  $('embed').addEventListener('click', () => {
    fillEmbedPanels();
    $('embed-code').value = embedSnippet();
    $('embed-box').hidden = !$('embed-box').hidden;
    $('embed-code').select();
  });
  $('embed-size').addEventListener('change', () => { $('embed-code').value = embedSnippet(); });
  $('present').addEventListener('click', togglePresent);
  $('lang').value = lang();
  $('lang').addEventListener('change', (e) => setLanguage(e.target.value));
  for (const box of [$('system-slot'), $('settings')]) {
    box.addEventListener('change', (e) => {
      say('');
      change(e.target.id, e.target.value);
    });
  }
  $('message').addEventListener('click', () => say(''));
  // The settings fold by width (CSS); the button flips the default, and says what is shown.
  const settingsShown = () => $('settings-toggle').setAttribute('aria-expanded', String(getComputedStyle($('settings-body')).display !== 'none'));
  $('settings-toggle').addEventListener('click', () => {
    $('settings-panel').classList.toggle('flipped');
    settingsShown();
  });
  matchMedia('(max-width: 600px)').addEventListener('change', settingsShown);
  settingsShown();
  $('cite').addEventListener('click', () => {
    const box = $('cite-box');
    box.hidden = !box.hidden;
    $('cite').setAttribute('aria-expanded', String(!box.hidden));
    if (!box.hidden) $('cite-code').select();
  });
  const cores = navigator.hardwareConcurrency || 2;
  for (let m = 2; m <= 8; m++) {
    const o = document.createElement('option');
    o.value = String(m);
    o.textContent = m <= cores ? `${m}` : t('ens.slower', { m, cores });
    $('ens-m').append(o);
  }
  $('ens-m').value = String(Math.min(Math.max(cores, 2), 8));
  $('ens-start').addEventListener('click', () => ensemble.start());
  $('ens-stop').addEventListener('click', () => {
    ensemble.stop();
    $('ens-progress').textContent += t('ens.stopped');
  });
  $('compare').addEventListener('change', (e) => {
    change('compare', e.target.checked ? '1' : '0');
  });
  $('laplace').addEventListener('change', (e) => {
    change('laplace', e.target.checked ? '1' : '0');
  });
  $('p2-match').addEventListener('change', (e) => {
    app.set_p2_match(e.target.checked);
    forceDraw = true;
  });
  $('fresh').addEventListener('click', () => {
    store.forget(app.run_query());
    engine.session = null;
    resetRun();
    say(t('actions.fresh_ok'));
  });
  $('data-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (file) $('data-text').value = await file.text();
    e.target.value = '';
  });
  $('data-use').addEventListener('click', () => {
    const msg = $('data-msg');
    msg.hidden = false;
    try {
      both('use_data', $('data-text').value, $('data-units').value === 'lattice', Number($('inv-a').value));
      syncControls();
      writeUrl();
      forceDraw = true;
      msg.textContent = t(app.data_in_link() ? 'data.ok_link' : 'data.ok_file');
    } catch (err) {
      msg.textContent = t('data.rejected', { error: err.message || err });
    }
  });
  $('metric-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (file) $('metric-text').value = await file.text();
    e.target.value = '';
  });
  $('metric-use').addEventListener('click', () => {
    const msg = $('metric-msg');
    msg.hidden = false;
    try {
      both('use_metric', $('metric-text').value);
      syncControls();
      writeUrl();
      forceDraw = true;
      msg.textContent = t('metric.ok');
    } catch (err) {
      msg.textContent = t('metric.rejected', { error: err.message || err });
    }
  });
  bindMetricDrag();
  bindTour();
  bindRecorder();
  $('data-reset').addEventListener('click', () => {
    both('clear_data');
    syncControls();
    writeUrl();
    forceDraw = true;
    $('data-msg').hidden = false;
    $('data-msg').textContent = t('data.reset_ok');
  });
  document.addEventListener('keydown', (e) => {
    if (e.target.closest('input, select, textarea, .tour') || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === ' ') {
      e.preventDefault();
      setPlaying(!playing);
    } else if (e.key === 'ArrowRight') {
      e.preventDefault();
      stepOnce();
    } else if (e.key === 'r' || e.key === 'R') {
      resetRun();
    } else if (e.key === 'Escape' && tour && tour.isOpen()) {
      tour.close();
    } else if (e.key === 'Escape' && document.documentElement.classList.contains('present')) {
      togglePresent();
    }
  });
  // A tab that is hidden, closed or reloaded saves its run and lets go of it, so another page
  // may save it (closing fires visibilitychange; pagehide does not always come).
  const leave = () => {
    save();
    store.release(app.run_query());
    away = true;
  };
  window.addEventListener('pagehide', leave);
  window.addEventListener('pageshow', () => { away = false; });
  // A hidden tab computes nothing; training resumes when it is visible again.
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      leave();
      resumeWhenVisible = playing;
      setPlaying(false);
    } else {
      away = false;
      if (resumeWhenVisible) setPlaying(true);
    }
  });
  darkQuery.addEventListener('change', () => { forceDraw = true; });
  const resize = new ResizeObserver(() => {
    layoutEmbed();
    sizeCanvases();
  });
  for (const el of document.querySelectorAll('.charts')) resize.observe(el);
  // Out of sight until the observer says otherwise (its first report comes a frame later): the
  // first frame draws only what is on the screen, not the six charts below a phone's fold.
  for (const c of document.querySelectorAll('figure[data-chart] canvas')) {
    offScreen.add(c);
    visibility.observe(c);
  }
}

// The engine is compiled with 128-bit SIMD: a tiny module using one SIMD instruction tells
// whether this browser can run it (the check of the wasm-feature-detect project).
function simdSupported() {
  return WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]));
}

// Another language: its table, every keyed element, the controls and charts the engine words, and
// the link (`lang=` travels with it).
async function setLanguage(code) {
  try {
    await loadStrings(code);
  } catch (e) {
    say(`${e.message || e}`);
    $('lang').value = lang();
    return;
  }
  applyStrings();
  change('lang', code);
  $('play').textContent = t(playing ? 'controls.pause' : 'controls.play');
  if (tour) tour.refresh();
  if (!$('record-box').hidden) fillRecordPanels();
  lastDescribe = 0;
  range.at = 0;
  spectrumJob.at = -1e9;
  if (app.observables()) showObservables();
}

async function main() {
  // boot.js chose the language and is taking a visitor in another one to their page.
  if (document.documentElement.dataset.leaving) return;
  const chosen = document.documentElement.lang;
  // The engine downloads while the words load, from just after the first paint (a frame, or
  // 100 ms in a tab that is not drawn). Not a <link rel=preload> in the HTML, nor a fetch before
  // that paint: either shares a slow phone's bandwidth with the stylesheet and the first text
  // (Lighthouse counted it: LCP 3.5 s instead of 1.4 s whenever the first paint came later).
  const painted = new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });
  const wasm = painted.then(() => fetch(new URL('./pkg/adsdl_bg.wasm', import.meta.url)));
  try {
    await loadStrings(chosen);
  } catch (e) {
    // Without its words the page cannot say anything else: this one line is in both languages.
    fatal(`The page's text could not be loaded / ページの文字列を読み込めませんでした: ${e.message || e}`);
    return;
  }
  applyStrings();
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.instantiate !== 'function') {
    fatal(t('fatal.no_wasm'));
    return;
  }
  if (!simdSupported()) {
    fatal(t('fatal.no_simd'));
    return;
  }
  try {
    await init({ module_or_path: wasm });
    const q = new URLSearchParams(location.search);
    q.set('lang', chosen);
    app = new App(q.toString());
  } catch (e) {
    fatal(t('fatal.start', { error: e.message || e }), { fresh: true });
    return;
  }
  showNotices(app.notices());
  const restored = restoreSaved();
  startEngine(restored);
  // On a phone the settings fold away: the metric and Play come first.
  inverse = createInversePanel({
    app: () => app, $, t, dark: () => darkQuery.matches, scale: chartScale, onLink: writeUrl,
  });
  inverse.init(state().potential);
  syncControls();
  bind();
  sizeCanvases();
  writeUrl();
  const reduceMotion = matchMedia('(prefers-reduced-motion: reduce)').matches;
  setPlaying(state().autoplay && !reduceMotion && restored === null);
  // Hooks for the end-to-end test and for curious users at the console.
  window.adsdl = {
    status,
    state,
    fullLoss: () => app.full_loss(),
    losses: () => Array.from(app.losses()),
    history: () => app.history(),
    exportModel: () => app.export_model(),
    bench: (epochs) => App.bench(epochs),
    firstFrameMs: () => firstFrame.ms,
    setPlaying,
    // Resolves once the training loop has sent its latest state (and it is stored).
    save: () => request({ type: 'ping' }).then(save),
    savedRuns: () => store.runs(),
    saveOutcome: () => saveOutcome,
    // Train this many mini-batches at once in the loop; resolves with the number done.
    run: (steps) => request({ type: 'run', steps }),
    idle: () => request({ type: 'ping' }),
    engine: () => ({ kind: engine.kind, snapshots: engine.snapshots, calls: engine.gen }),
    drawCost: () => drawCost,
    memoryBytes: () => App.memory_bytes(),
    trainingMemoryBytes: () => request({ type: 'memory' }),
    observables: () => app.observables(),
    referencePoints: () => app.reference_points(),
    metricGeometry: () => app.metric_geometry(),
    publishedCouplings: () => app.published_couplings(),
    ensemble: () => ensemble.report(),
    inversion: () => inverse.report(),
    tour: () => ({ open: tour.isOpen(), step: tour.step() }),
  };
  requestAnimationFrame(frame);
  if (state().tour && !state().embed) requestAnimationFrame(() => tour.open($('play')));
  registerOffline();
}

// Offline after one visit: a service worker beside this page caches the whole folder.
function registerOffline() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('./sw.js').catch(() => {
    // Not served over http(s), or storage is off: the page works, just not offline.
  });
}

main();
