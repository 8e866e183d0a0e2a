// One ensemble member: trains one seed in its own thread, reporting its status and model file
// every few epochs. The physics is the same App the page uses.
import init, { App } from './pkg/adsdl.js';

let app = null;
let target = 0;
let running = false;

function report(done) {
  postMessage({ type: 'progress', status: app.status(), model: app.export_model(), done });
}

function loop() {
  if (!running) return;
  const s = app.status();
  // Past its epochs a member not yet converged trains on, within the recipe's budget.
  const done = (s.epoch >= target && (s.settled || s.epoch >= app.budget(target))) || s.paused_reason !== null;
  if (done) {
    running = false;
    report(true);
    return;
  }
  // Ten epochs per slice, then yield so that a stop message gets through.
  app.run(10 * s.batches_per_epoch, 1e9);
  report(false);
  setTimeout(loop, 0);
}

self.onmessage = async (e) => {
  const msg = e.data;
  if (msg.type === 'start') {
    try {
      await init();
      app = new App(msg.query);
    } catch (err) {
      // Said to the page (a rejected promise here would reach no one).
      postMessage({ type: 'failed', message: String((err && err.message) || err) });
      return;
    }
    target = msg.epochs;
    running = true;
    loop();
  } else if (msg.type === 'stop') {
    running = false;
  }
};
