// The page's engine against the native kernels of each vector width, timed alternately in one
// run (not part of the test command; needs a built dist/). The machine's speed drifts by up to
// 2× within minutes, so each round times the page (App.bench in a dedicated worker, where the
// page trains: median of 9) and then `adsdl bench --kernel K` for every kernel, and the ratios
// are taken within a round. sse4.1 has the two f64 lanes per instruction of the page's simd128:
// page / sse4.1 is what wasm costs at equal width, sse4.1 / avx2 what the width costs.
//
//   node e2e/widths.mjs [--rounds 8]
import { execFileSync, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../tools/node_modules/playwright-core/index.mjs';
import { buildDir } from './build-dir.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const probeDir = buildDir(root);
const i = process.argv.indexOf('--rounds');
const rounds = i > 0 ? Number(process.argv[i + 1]) : 8;
const cli = join(root, 'target/release/adsdl');
const kernels = ['avx2', 'sse4.1', 'portable'];
const port = 8769;
const server = spawn(cli, ['serve', '--dir', join(root, 'dist'), '--port', String(port)], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const base = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.route(`${base}/${probeDir}/probe.html`, (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>probe</title>' }));
await page.route(`${base}/${probeDir}/probe-worker.js`, (r) => r.fulfill({
  contentType: 'text/javascript',
  body: `import init, { App } from './pkg/adsdl.js';
    await init(); App.bench(20);
    onmessage = () => { const r = []; for (let i = 0; i < 9; i++) r.push(App.bench(20)); r.sort((a, b) => a - b); postMessage(r[4]); };
    postMessage('ready');`,
}));
await page.goto(`${base}/${probeDir}/probe.html`);
await page.evaluate(() => new Promise((resolve) => {
  window.probe = new Worker('./probe-worker.js', { type: 'module' });
  window.probe.onmessage = () => resolve();
}));
const pageMs = () => page.evaluate(() => new Promise((resolve) => {
  window.probe.onmessage = (e) => resolve(e.data);
  window.probe.postMessage(null);
}));
const nativeMs = (k) => {
  const out = execFileSync(cli, ['bench', '--kernel', k, '--epochs', '40']).toString();
  return Number(out.match(/median ([\d.]+) ms/)[1]);
};
const rows = [];
for (let r = 0; r < rounds; r++) {
  const row = { page: await pageMs() };
  for (const k of kernels) row[k] = nativeMs(k);
  rows.push(row);
  console.log(JSON.stringify(row));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ratio = (a, b) => +median(rows.map((row) => row[a] / row[b])).toFixed(2);
console.log(JSON.stringify({
  rounds,
  ms_median: Object.fromEntries(['page', ...kernels].map((k) => [k, median(rows.map((row) => row[k]))])),
  page_over_avx2: ratio('page', 'avx2'),
  page_over_sse41: ratio('page', 'sse4.1'),
  sse41_over_avx2: ratio('sse4.1', 'avx2'),
  portable_over_avx2: ratio('portable', 'avx2'),
}));
await browser.close();
server.kill();
