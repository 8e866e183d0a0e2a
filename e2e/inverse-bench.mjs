// How long "from the potential to the bulk" takes in the page at a phone's speed: the main thread
// throttled 4× by CDP (the inversion runs on it, not in a worker), against 1×. Milliseconds from
// the action to the new report, drawing included: the first inversion (Cornell, when the panel
// comes into view), a 12-point table with errors (fit, 100 resamples for the band) and a bundled
// set. Needs a built dist/.   node e2e/inverse-bench.mjs
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../tools/node_modules/playwright-core/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const server = spawn(join(root, 'target/release/adsdl'), ['serve', '--dir', join(root, 'dist'), '--port', '8769'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const rows = [0.15,0.25,0.35,0.45,0.55,0.65,0.75,0.85,0.95,1.05,1.15,1.25].map((r) => { const x = r / 0.19732698; return `${r},${(-0.41 / x + 0.19 * x + 0.5).toFixed(4)},0.01`; });
for (const rate of [1, 4]) {
  const p = await browser.newPage({ viewport: { width: 360, height: 740 } });
  const cdp = await p.context().newCDPSession(p);
  await p.goto('http://127.0.0.1:8769/?preset=qcd&play=0');
  await p.waitForFunction(() => window.adsdl && window.adsdl.firstFrameMs() !== null);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  const t = {};
  let t0 = Date.now();
  await p.locator('#inverse').scrollIntoViewIfNeeded();
  await p.waitForFunction(() => window.adsdl.inversion() !== null, null, { polling: 10 });
  t.cornell_first_ms = Date.now() - t0;
  await p.selectOption('#inv-source', 'table');
  await p.fill('#inv-text', ['r_fm,V_GeV,error_GeV', ...rows].join('\n'));
  const before = await p.evaluate(() => window.adsdl.inversion());
  t0 = Date.now();
  await p.click('#inv-use');
  await p.waitForFunction((b) => window.adsdl.inversion() !== b, before, { polling: 10 });
  t.table_with_band_ms = Date.now() - t0;
  const b2 = await p.evaluate(() => window.adsdl.inversion());
  t0 = Date.now();
  await p.selectOption('#inv-source', 'sommer');
  await p.waitForFunction((b) => window.adsdl.inversion() !== b, b2, { polling: 10 });
  t.sommer_ms = Date.now() - t0;
  console.log(`CPU ${rate}×:`, JSON.stringify(t));
  await p.close();
}
await browser.close(); server.kill();
