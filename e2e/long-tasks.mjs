// Where the main thread's blocking time goes in the first seconds on a phone: the page at a
// phone's size with its thread throttled 4× (Chromium's CDP), the long tasks (> 50 ms) of the
// first 5 s with what the page had done by then, and the milliseconds each chart took to draw.
// Not part of the test command (Lighthouse's TBT is, scripts/lighthouse.mjs); needs a built dist/.
//
//   node e2e/long-tasks.mjs [--rate 4]
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../tools/node_modules/playwright-core/index.mjs';
import { arg } from './args.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rate = Number(arg('rate', '4'));
const port = 8870 + (process.pid % 100);
const server = spawn(join(root, 'target/release/adsdl'), ['serve', '--dir', join(root, 'dist'), '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
await new Promise((resolve) => server.stderr.once('data', resolve));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const context = await browser.newContext({ viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1.75 });
const page = await context.newPage();
await (await context.newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate });
await page.addInitScript(() => {
  window.__tasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__tasks.push({ start: Math.round(e.startTime), ms: Math.round(e.duration) });
  }).observe({ type: 'longtask', buffered: true });
});
await page.goto(`http://127.0.0.1:${port}/?preset=qcd&seed=1`);
await page.waitForTimeout(5000);
const r = await page.evaluate(() => ({
  tasks: window.__tasks,
  firstFrame: Math.round(window.adsdl.firstFrameMs()),
  fcp: Math.round((performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || 0),
  draws: Object.fromEntries(Object.entries(window.adsdl.drawCost()).map(([k, v]) => [k, { draws: v.draws, ms: Math.round(v.ms), max_ms: Math.round(v.max) }])),
}));
await browser.close();
server.kill();
const blocking = r.tasks.reduce((a, t) => a + Math.max(0, t.ms - 50), 0);
console.log(`main thread ${rate}×, 412×823: first contentful paint ${r.fcp} ms, first chart frame ${r.firstFrame} ms`);
for (const t of r.tasks) console.log(`  long task at ${t.start} ms: ${t.ms} ms${t.start < r.firstFrame && t.start + t.ms >= r.firstFrame - 5 ? ' (ends with the first chart frame)' : ''}`);
console.log(`blocking time (sum of the long tasks' excess over 50 ms): ${blocking} ms`);
console.log(`charts drawn in 5 s: ${JSON.stringify(r.draws)}`);
