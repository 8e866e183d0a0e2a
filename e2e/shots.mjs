// Screenshots to look at before calling a page change done: phone (360), iframe (800×600),
// desktop and projector (1920×1080), light and dark, in any language. Console errors and CSP
// violations are printed. Needs a built dist/. Usage:
//   node e2e/shots.mjs [out-dir] [query]     e.g. node e2e/shots.mjs /tmp/shots 'lang=ja&seed=1'
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../tools/node_modules/playwright-core/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] || '/tmp/adsdl-shots';
const query = process.argv[3] || 'seed=1';
mkdirSync(out, { recursive: true });
const port = 8766;
const server = spawn(join(root, 'target/release/adsdl'), ['serve', '--dir', join(root, 'dist'), '--port', String(port)], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
const sizes = [
  ['phone', 360, 760], ['iframe', 800, 600], ['desktop', 1400, 1000], ['projector', 1920, 1080],
];
let problems = 0;
for (const [name, width, height] of sizes) {
  for (const scheme of ['light', 'dark']) {
    const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme });
    page.on('console', (m) => { if (m.type() === 'error') { problems += 1; console.log(`${name}/${scheme} console: ${m.text()}`); } });
    page.on('pageerror', (e) => { problems += 1; console.log(`${name}/${scheme} error: ${e.message}`); });
    const embed = name === 'iframe' ? '&embed=1&panels=metric,data' : '';
    await page.goto(`http://127.0.0.1:${port}/?${query}${embed}`);
    await page.waitForFunction(() => window.adsdl && window.adsdl.status().epoch >= 30, null, { timeout: 120000 });
    await page.waitForTimeout(6000);
    await page.screenshot({ path: join(out, `${name}-${scheme}.png`) });
    if (name === 'phone' || name === 'desktop') await page.screenshot({ path: join(out, `${name}-${scheme}-full.png`), fullPage: true });
    await page.close();
  }
}
await browser.close();
server.kill();
console.log(`${problems} console errors; screenshots in ${out}`);
process.exit(problems ? 1 : 0);
