// The "from the potential to the bulk" panel: choose a potential, let the engine invert it
// (App.invert), draw its two charts. The physics, the drawing and the words are all in Rust;
// this module only wires the panel's controls to them.

const REFRESH_MS = 3000;

/**
 * @param {object} o
 * @param {() => object} o.app        the page's App (after init)
 * @param {(id: string) => HTMLElement} o.$
 * @param {(key: string, vars?: object) => string} o.t
 * @param {() => boolean} o.dark      dark mode now
 * @param {() => number} o.scale      chart scale now
 * @param {() => void} o.onLink       the link changed (write it)
 */
export function createInversePanel({ app, $, t, dark, scale, onLink }) {
  // `wanted`: what the user (or the link) asked for; `report`: the last inversion that worked.
  const panel = { report: null, wanted: null, at: -1e9, steps: -1, seen: false, visible: false };
  const select = $('inv-source');

  // What the controls say: the link form, or the table's own text (so that a rejection names
  // the line of that text).
  function specOfControls() {
    const v = select.value;
    if (v === 'cornell') return `cornell:${$('inv-kappa').value},${$('inv-sigma').value}`;
    if (v === 'table') return { csv: $('inv-text').value };
    return v;
  }

  function showControls() {
    const v = select.value;
    for (const el of document.querySelectorAll('.inv-cornell')) el.hidden = v !== 'cornell';
    $('inv-table-box').hidden = v !== 'table';
  }

  // Controls from a link form (`cornell:κ,σ`, `table:…`, a set's key, `model`).
  function controlsFrom(spec) {
    if (spec.startsWith('cornell:')) {
      const [k, s] = spec.slice(8).split(',');
      select.value = 'cornell';
      $('inv-kappa').value = k;
      $('inv-sigma').value = s;
    } else if (spec.startsWith('table:')) {
      select.value = 'table';
      const rows = spec.slice(6).split(';');
      const head = rows[0] && rows[0].split(',').length === 3 ? 'r_fm,V_GeV,error_GeV' : 'r_fm,V_GeV';
      $('inv-text').value = [head, ...rows].join('\n');
    } else {
      select.value = spec;
    }
    showControls();
  }

  function message(text) {
    const el = $('inv-msg');
    el.textContent = text || '';
    el.hidden = !text;
  }

  function draw() {
    if (!panel.report) return;
    for (const name of ['inv-tension', 'inv-metric']) {
      const canvas = $(`chart-${name}`);
      if (canvas.clientWidth === 0) continue;
      try {
        app().draw_inversion(name, canvas, dark(), scale());
      } catch (e) {
        message(t('js.draw_failed', { chart: name, error: e.message || e }));
      }
    }
  }

  // Invert `spec`; a rejected one keeps the last good result on screen and says why.
  function run(spec, quiet = false) {
    panel.wanted = spec;
    try {
      const text = typeof spec === 'string' ? app().invert(spec) : app().invert_csv(spec.csv);
      panel.report = text;
      const said = app().describe_inversion();
      $('desc-inverse').textContent = said;
      $('inv-readout').textContent = said;
      if (!quiet) message('');
      onLink();
    } catch (e) {
      message(t('inverse.rejected', { error: e.message || e }));
    }
    panel.at = performance.now();
    draw();
  }

  select.addEventListener('change', () => {
    showControls();
    if (select.value !== 'table') run(specOfControls());
    else message('');
  });
  for (const id of ['inv-kappa', 'inv-sigma']) $(id).addEventListener('change', () => run(specOfControls()));
  $('inv-use').addEventListener('click', () => run(specOfControls()));
  $('inv-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (file) $('inv-text').value = await file.text();
    e.target.value = '';
  });

  // Nothing is computed until the panel comes near the screen: the first paint is the network's.
  const near = new IntersectionObserver((entries) => {
    panel.visible = entries.some((e) => e.isIntersecting);
    if (panel.visible && !panel.seen) {
      panel.seen = true;
      run(panel.wanted || 'eichten', true);
    }
  }, { rootMargin: '200px' });
  near.observe($('inverse'));

  return {
    /** Take the link's potential (or the default) into the controls. */
    init(spec) {
      panel.wanted = spec || null;
      controlsFrom(spec || 'eichten');
    },
    /** Redraw (canvases resized, theme or language changed). */
    redraw() {
      if (!panel.report) return;
      // The words are the engine's: say them again in the current language.
      try {
        const said = app().describe_inversion();
        $('desc-inverse').textContent = said;
        $('inv-readout').textContent = said;
      } catch {
        // Kept: the last words.
      }
      draw();
    },
    /** While training: the network's own curve moves, and with it `model`'s inversion. */
    tick(now, steps) {
      if (!panel.seen || !panel.visible || steps === panel.steps || now - panel.at < REFRESH_MS) return;
      panel.steps = steps;
      panel.at = now;
      if (panel.wanted === 'model') run('model', true);
      else draw();
    },
    /** The latest report (JSON text), for the end-to-end test. */
    report: () => panel.report,
  };
}
