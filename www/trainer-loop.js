// The page's training loop. It runs in a dedicated Web Worker (train-worker.js) so that training
// never waits for drawing and drawing never waits for training; where a browser cannot start a
// module worker, the page runs this same loop itself. The loop owns the run; the page keeps a
// second App of the same configuration that only shows the snapshots posted here.

// Training slice between looks at the message queue: Pause, Step, Reset and a new learning rate
// act within one frame (16.7 ms).
export const SLICE_MS = 8;
const FRAME_MS = 1000 / 60;
// The run's full state (for localStorage) travels to the page this often while it trains, and
// whenever it stops.
const SESSION_EVERY_MS = 2000;

export function trainingLoop(App, post) {
  let app = null;
  let playing = false;
  let stepsPerFrame = 1;
  let sent = 0; // epochs of history the page already has
  let gen = 0; // the page's count of calls: it ignores snapshots of an older one
  let lastSession = -Infinity;
  let lastSnapshot = -Infinity;
  let scheduled = false;
  // A zero-delay yield (setTimeout is clamped to ≥ 4 ms when nested).
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    scheduled = false;
    tick();
  };

  function snapshot(withSession) {
    lastSnapshot = performance.now();
    const snap = app.snapshot(sent);
    sent = snap.trainer.from + snap.trainer.history.loss.length;
    const now = performance.now();
    const session = withSession || now - lastSession >= SESSION_EVERY_MS ? app.session() : null;
    if (session) lastSession = now;
    post({ type: 'snapshot', gen, snap, session });
  }

  function readSpeed() {
    const st = app.state();
    stepsPerFrame = st.speed === st.max_speed ? 1e9 : st.steps_per_frame;
  }

  function schedule(delay) {
    if (delay > 0) {
      setTimeout(tick, delay);
    } else if (!scheduled) {
      scheduled = true;
      channel.port2.postMessage(null);
    }
  }

  function tick() {
    if (!playing) return;
    const t0 = performance.now();
    app.run(stepsPerFrame, SLICE_MS);
    if (app.paused()) playing = false;
    // The page draws at most once a frame: a snapshot per training slice would be half wasted.
    if (!playing || performance.now() - lastSnapshot >= FRAME_MS) snapshot(!playing);
    if (!playing) return;
    // At a set speed, that many steps per frame; at full speed, slice after slice.
    schedule(stepsPerFrame >= 1e9 ? 0 : FRAME_MS - (performance.now() - t0));
  }

  return function handle(m) {
    let result = null;
    switch (m.type) {
      case 'init':
        app = new App(m.query);
        if (m.session) app.restore(m.session);
        gen = m.gen;
        readSpeed();
        snapshot(false);
        break;
      case 'call':
        // The page applied the same call to its own App first, so it succeeds here too.
        try {
          app[m.method](...m.args);
        } catch (e) {
          post({ type: 'error', message: `${m.method}: ${e.message || e}` });
        }
        gen = m.gen;
        sent = 0;
        readSpeed();
        snapshot(false);
        break;
      case 'play':
        if (m.on && !playing) {
          playing = true;
          schedule(0);
        } else if (!m.on && playing) {
          playing = false;
          snapshot(true);
        }
        break;
      case 'run': // a number of mini-batches at once (Step, and the tests)
        playing = false;
        result = app.run(m.steps, 1e9);
        snapshot(true);
        break;
      case 'spectrum': // what the data determine: a pass over every training point
        result = app.spectrum();
        break;
      case 'memory': // bytes of the loop's WebAssembly memory (the soak benchmark)
        result = App.memory_bytes();
        break;
      case 'ping': // everything posted before has been handled
        snapshot(true);
        break;
      default:
        post({ type: 'error', message: `unknown message ${m.type}` });
    }
    if (m.id !== undefined) post({ type: 'done', id: m.id, result });
  };
}
