// The in-page ensemble: one Web Worker per seed (worker.js), each training its own run; the page
// keeps each member's latest model, and the engine makes the report and its charts from them
// (ensemble_report, draw_ensemble), all numbers from Rust.
import { ensemble_report, draw_ensemble } from './pkg/adsdl.js';
import { t } from './i18n.js';

/**
 * The ensemble panel. `query()` is the run's link query (the members are its seeds onward),
 * `dark()` and `scale()` the charts' theme and scale, `onShown()` is called when the charts first
 * appear (their canvases need sizing).
 */
export function createEnsemblePanel({ $, query, dark, scale, onShown }) {
  const ensemble = { workers: [], members: [], lastDraw: 0, report: null, text: null };

  function stop() {
    for (const w of ensemble.workers) w.terminate();
    ensemble.workers = [];
    $('ens-start').disabled = false;
    $('ens-stop').disabled = true;
  }

  function start() {
    stop();
    const m = Number($('ens-m').value);
    const epochs = Math.max(10, Math.min(20000, Number($('ens-epochs').value) || 1500));
    const base = new URLSearchParams(query());
    const seed0 = Number(base.get('seed') || 1);
    ensemble.members = Array.from({ length: m }, () => ({ status: null, model: null, done: false }));
    ensemble.report = null;
    for (let i = 0; i < m; i++) {
      const q = new URLSearchParams(base);
      q.set('seed', String(seed0 + i));
      const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
      w.onmessage = (e) => {
        if (e.data.type === 'failed') {
          $('ens-progress').textContent = t('ens.seed_failed', { seed: seed0 + i, error: e.data.message });
          ensemble.members[i].done = true;
          return;
        }
        ensemble.members[i] = { status: e.data.status, model: e.data.model, done: e.data.done };
        update(false);
      };
      w.onerror = (e) => { $('ens-progress').textContent = t('ens.seed_failed', { seed: seed0 + i, error: e.message }); };
      w.postMessage({ type: 'start', query: q.toString(), epochs });
      ensemble.workers.push(w);
    }
    $('ens-start').disabled = true;
    $('ens-stop').disabled = false;
    $('ens-progress').textContent = t('ens.starting', { first: seed0, last: seed0 + m - 1 });
  }

  function draw() {
    for (const name of ['ensemble-metric', 'ensemble-potential']) {
      try {
        draw_ensemble(name, $(`chart-${name}`), ensemble.text, dark(), scale());
      } catch (e) {
        $('ens-progress').textContent = t('ens.chart_error', { error: e.message || e });
      }
    }
  }

  // The ensemble beside its system's reference (for QCD: P2 Table II).
  function tableRows(s, ref) {
    const pm = (x, d) => `${x.mean.toFixed(d)} ± ${x.sd.toFixed(d)}`;
    const pub = (k) => (ref.sd ? `${ref.h[k].toFixed(3)} ± ${ref.sd[k].toFixed(3)}` : ref.h[k].toFixed(3));
    const rows = s.h.map((x, k) => [`h${String(k).replace(/\d/g, (c) => '₀₁₂₃₄₅₆₇₈₉'[c])}`, pm(x, 3), pub(k)]);
    const [l, lambda] = ref.couplings || [null, null];
    rows.push(['L [GeV⁻¹]', pm(s.ads_radius, 3), l === null ? '–' : String(l)]);
    rows.push(['1/L [MeV]', pm(s.inv_l_mev, 1), l === null ? '–' : `≈ ${Math.round(1000 / l)}`]);
    rows.push(['λ', pm(s.lambda, 5), lambda === null ? '–' : String(lambda)]);
    rows.push([t('counters.loss'), pm(s.loss, 4), '–']);
    return rows;
  }

  function update(force) {
    const members = ensemble.members;
    const done = members.filter((m) => m.done).length;
    const epochs = members.map((m) => (m.status ? m.status.epoch : 0));
    const allDone = done === members.length;
    $('ens-progress').textContent = t(allDone ? 'ens.done' : 'ens.progress', { n: members.length, epochs: epochs.join(', ') });
    const now = performance.now();
    if (!force && !allDone && now - ensemble.lastDraw < 1000) return;
    ensemble.lastDraw = now;
    const models = members.filter((m) => m.model).map((m) => JSON.parse(m.model));
    if (!models.length) return;
    try {
      const text = ensemble_report(JSON.stringify(models));
      ensemble.report = JSON.parse(text);
      ensemble.text = text;
      if ($('ens-charts').hidden) {
        $('ens-charts').hidden = false;
        onShown();
      }
      draw();
      const s = ensemble.report.summary;
      const tbody = $('ens-table').querySelector('tbody');
      $('ens-ref-head').textContent = ensemble.report.reference.label;
      tbody.replaceChildren(...(s.kept ? tableRows(s, ensemble.report.reference) : []).map((cells) => {
        const tr = document.createElement('tr');
        for (const c of cells) {
          const td = document.createElement('td');
          td.textContent = c;
          tr.append(td);
        }
        return tr;
      }));
      $('ens-table').hidden = s.kept === 0;
      if (allDone) {
        $('ens-progress').textContent += t('ens.kept', { kept: s.kept, runs: s.runs, cut: s.max_loss, shape: s.with_shape });
        stop();
      }
    } catch (e) {
      $('ens-progress').textContent = t('ens.error', { error: e.message || e });
    }
  }

  return {
    start,
    stop,
    /** Draw the charts again (their canvases were cleared by a resize or a new theme). */
    redraw: () => { if (ensemble.text) draw(); },
    report: () => ensemble.report,
  };
}
