// Regenerate docs/screenshot.png: the page after training lattice QCD (seed 1) to the emergent
// metric. Needs a built dist/ (bash scripts/build.sh). Usage: node e2e/screenshot.mjs [epochs]
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../tools/node_modules/playwright-core/index.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const epochs = Number(process.argv[2] || 1100);
const port = 8765;
const server = spawn(join(root, 'target/release/adsdl'), ['serve', '--dir', join(root, 'dist'), '--port', String(port)], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(`http://127.0.0.1:${port}/?preset=qcd&seed=1`);
await page.waitForFunction((n) => window.adsdl && window.adsdl.status().epoch >= n, epochs, { timeout: 600000, polling: 500 });
await page.click('#play');
await page.waitForTimeout(600);
await page.screenshot({ path: join(root, 'docs/screenshot.png'), clip: { x: 0, y: 0, width: 1400, height: 1000 } });
await browser.close();
server.kill();
