// Soak benchmark (not part of the test command): 10^6 QCD mini-batches in the page's training
// worker, reporting its WebAssembly memory and the page's (which shows every snapshot) before and
// after. Needs a built dist/. Usage: node e2e/soak.mjs [batches]
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../tools/node_modules/playwright-core/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const total = Number(process.argv[2] || 1e6);
const BOUND_BYTES = 4 << 20;
const port = 8766;
const server = spawn(join(root, 'target/release/adsdl'), ['serve', '--dir', join(root, 'dist'), '--port', String(port)], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
const page = await browser.newPage();
// Paper recipe at a small rate: 10^6 mini-batches without a pause for divergence.
await page.goto(`http://127.0.0.1:${port}/?preset=qcd&seed=1&play=0&recipe=paper`);
await page.waitForFunction(() => window.adsdl && window.adsdl.firstFrameMs() !== null);
await page.evaluate(() => window.adsdl.run(2000));
const memory = () => page.evaluate(async () => [await window.adsdl.trainingMemoryBytes(), window.adsdl.memoryBytes()]);
const before = await memory();
const t0 = Date.now();
let done = 0;
while (done < total) {
  const n = Math.min(50000, total - done);
  const ran = await page.evaluate((k) => window.adsdl.run(k), n);
  if (ran === 0) break;
  done += ran;
}
const after = await memory();
const s = await page.evaluate(() => window.adsdl.status());
const growth = [after[0] - before[0], after[1] - before[1]];
console.log(JSON.stringify({ mini_batches: done, epochs: s.epoch, seconds: (Date.now() - t0) / 1000, worker_memory: [before[0], after[0]], page_memory: [before[1], after[1]], growth, bound: BOUND_BYTES, paused_reason: s.paused_reason }));
await browser.close();
server.kill();
process.exit(done >= total && Math.max(...growth) <= BOUND_BYTES ? 0 : 1);
