// Page benchmark (not part of the test command; needs a built dist/): Play → the emergent metric
// as a new user sees it, at 1× and at Chromium's 4× CPU throttling (a mid-range phone), over
// several seeds of the default QCD run; and the engine's ms per epoch in a Web Worker and on the
// page's thread at each rate, beside the native `adsdl bench`.
//
//   node e2e/bench.mjs [--seeds 1-5] [--rates 1,4] [--timeout 180]
//
// "The metric" is the criterion: epoch-mean loss below 0.1 with L between 3.2 and 4.4
// GeV⁻¹. Prints one JSON line per run and a summary (median, worst) per rate.
import { execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../tools/node_modules/playwright-core/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const range = (text) => {
  const [a, b] = text.split('-').map(Number);
  return Array.from({ length: (b || a) - a + 1 }, (_, i) => a + i);
};
const seeds = range(arg('seeds', '1-5'));
const rates = arg('rates', '1,4').split(',').map(Number);
const timeoutS = Number(arg('timeout', '180'));
const reached = (s) => s.loss !== null && s.loss < 0.1 && s.ads_radius >= 3.2 && s.ads_radius <= 4.4;

const cli = join(root, 'target/release/adsdl');
const port = 8768;
const server = spawn(cli, ['serve', '--dir', join(root, 'dist'), '--port', String(port)], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const base = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

async function throttledPage(rate) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  return page;
}

// The engine's own speed at a rate: App.bench in a dedicated worker (where the page trains) and
// on the page's thread. The probe pages are served by the test, beside the real pkg/.
async function engineSpeed(rate) {
  const page = await throttledPage(rate);
  await page.route(`${base}/probe.html`, (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>probe</title>' }));
  await page.route(`${base}/probe-worker.js`, (r) => r.fulfill({
    contentType: 'text/javascript',
    body: `import init, { App } from './pkg/adsdl.js';
      onmessage = async () => { await init(); App.bench(20); const r = []; for (let i = 0; i < 5; i++) r.push(App.bench(20)); r.sort((a, b) => a - b); postMessage(r[2]); };`,
  }));
  await page.goto(`${base}/probe.html`);
  const worker = await page.evaluate(() => new Promise((resolve) => {
    const w = new Worker('./probe-worker.js', { type: 'module' });
    w.onmessage = (e) => resolve(e.data);
    w.postMessage(null);
  }));
  const main = await page.evaluate(async () => {
    const m = await import('./pkg/adsdl.js');
    await m.default();
    m.App.bench(20);
    const r = [];
    for (let i = 0; i < 5; i++) r.push(m.App.bench(20));
    r.sort((a, b) => a - b);
    return r[2];
  });
  await page.context().close();
  return { worker_ms_per_epoch: +worker.toFixed(2), page_thread_ms_per_epoch: +main.toFixed(2) };
}

async function playToMetric(rate, seed) {
  const page = await throttledPage(rate);
  await page.goto(`${base}/?preset=qcd&seed=${seed}&play=0`);
  await page.waitForFunction(() => window.adsdl && window.adsdl.firstFrameMs() !== null, null, { timeout: 60000 });
  await page.click('#play');
  const t0 = Date.now();
  let s = null;
  let frames = null;
  while ((Date.now() - t0) / 1000 < timeoutS) {
    await page.waitForTimeout(100);
    s = await page.evaluate(() => window.adsdl.status());
    if (frames === null && Date.now() - t0 > 2000) {
      // Frame gaps while training, once, two seconds in.
      frames = await page.evaluate(() => new Promise((resolve) => {
        const t = [];
        const tick = (now) => { t.push(now); if (t.length < 61) requestAnimationFrame(tick); else resolve(t.slice(1).map((v, i) => v - t[i]).sort((a, b) => a - b)); };
        requestAnimationFrame(tick);
      }));
    }
    if (reached(s)) break;
  }
  const seconds = (Date.now() - t0) / 1000;
  const engine = await page.evaluate(() => window.adsdl.engine());
  await page.context().close();
  return {
    rate, seed, reached: reached(s), seconds, epochs: s.epoch, attempt: s.attempt, loss: s.loss, L: s.ads_radius,
    page_ms_per_epoch: +((1000 * seconds) / Math.max(1, s.epoch)).toFixed(2),
    frame_ms_median: frames ? Math.round(frames[30]) : null,
    engine: engine.kind,
  };
}

const native = execFileSync(cli, ['bench', '--epochs', '60']).toString().match(/median ([\d.]+) ms/)[1];
console.log(JSON.stringify({ native_ms_per_epoch: Number(native) }));
const summary = {};
for (const rate of rates) {
  console.log(JSON.stringify({ rate, ...(await engineSpeed(rate)) }));
  const runs = [];
  for (const seed of seeds) {
    const r = await playToMetric(rate, seed);
    console.log(JSON.stringify(r));
    runs.push(r);
  }
  const t = runs.map((r) => (r.reached ? r.seconds : Infinity)).sort((a, b) => a - b);
  summary[rate] = {
    seeds: seeds.join(','),
    reached: runs.filter((r) => r.reached).length,
    median_s: t[t.length >> 1],
    worst_s: t[t.length - 1],
    median_epochs: runs.map((r) => r.epochs).sort((a, b) => a - b)[runs.length >> 1],
    page_ms_per_epoch_median: runs.map((r) => r.page_ms_per_epoch).sort((a, b) => a - b)[runs.length >> 1],
  };
}
console.log(JSON.stringify({ summary }));
await browser.close();
server.kill();
