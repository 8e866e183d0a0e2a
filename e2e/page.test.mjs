// End-to-end test of the built page (dist/) in Debian's Chromium, driven by playwright-core.
// The folder is served under a sub-path, as a workshop site would host it. Prints measurements
// (epoch time in the page vs native, time to first frame, longest frame, gzipped size) and a
// closing "N passed, M failed" line. Screenshots go to target/e2e/.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../tools/node_modules/playwright-core/index.mjs';
import AxeBuilderModule from '../tools/node_modules/@axe-core/playwright/dist/index.mjs';
import { buildDir } from './build-dir.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'target/release/adsdl');
const shots = join(root, 'target/e2e');
mkdirSync(shots, { recursive: true });
const PREFIX = '/workshop/adsdl/';

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

const port = await freePort();
const server = spawn(cli, ['serve', '--dir', join(root, 'dist'), '--port', String(port), '--prefix', PREFIX], { stdio: ['ignore', 'ignore', 'pipe'] });
await new Promise((resolve, reject) => {
  server.stderr.once('data', resolve);
  server.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
});
const origin = `http://127.0.0.1:${port}`;
const base = `${origin}${PREFIX}`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
});
const outside = [];
const pageErrors = [];
// Every console error and Content-Security-Policy violation in any view fails the run.
const consoleErrors = [];
const measurements = {};

async function newPage(query, { colorScheme = 'light', width = 1400, height = 1700, mobile = false, init = null, locale = 'en-US', context: shared = null } = {}) {
  const phone = mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 3 } : {};
  // `context`: another tab of the same browser profile (its localStorage shared).
  const context = shared || await browser.newContext({ viewport: { width, height }, colorScheme, acceptDownloads: true, locale, ...phone });
  const page = await context.newPage();
  page.on('request', (r) => {
    const u = r.url();
    if (!(u.startsWith(base) || u.startsWith('blob:') || u.startsWith('data:'))) outside.push(u);
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${query}: ${m.text()}`); });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  if (init) await page.addInitScript(init);
  await page.goto(`${base}?${query}`);
  await page.waitForFunction(() => window.adsdl && window.adsdl.firstFrameMs() !== null, null, { timeout: 20000 });
  return page;
}

const status = (page) => page.evaluate(() => window.adsdl.status());
const AxeBuilder = AxeBuilderModule.default || AxeBuilderModule;

// axe-core on a page: zero violations of any impact.
async function axe(page, what) {
  const r = await new AxeBuilder({ page }).analyze();
  const v = r.violations.map((x) => `${x.id} (${x.impact}): ${x.nodes.slice(0, 2).map((n) => n.target.join(' ')).join('; ')}`);
  assert(v.length === 0, `${what}: ${v.join(' | ')}`);
}
async function waitEpochs(page, n, timeout = 180000) {
  await page.waitForFunction((k) => window.adsdl.status().epoch >= k, n, { timeout, polling: 200 });
}
async function drawnPixels(page) {
  return page.evaluate(() => {
    const out = {};
    for (const c of document.querySelectorAll('canvas')) {
      if (c.clientWidth === 0) continue;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const bg = [d[0], d[1], d[2]];
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > 60) n++;
      out[c.id] = n;
    }
    return out;
  });
}

const checks = [];
const check = (name, fn) => checks.push({ name, fn });
const assert = (cond, msg) => { if (!cond) throw new Error(msg); };

let page;
check('page loads under a sub-path and draws its first frame quickly', async () => {
  page = await newPage('preset=qcd&seed=1&play=0');
  const first = await page.evaluate(() => window.adsdl.firstFrameMs());
  measurements.first_frame_ms = Math.round(first);
  assert(first < 1000, `first frame after ${first} ms`);
  assert((await status(page)).epoch === 0, 'play=0 starts paused');
});

check('words at first paint: the served HTML carries its language\'s table text before any script runs (index.html English, ja.html Japanese)', async () => {
  for (const [lang, path] of [['en', ''], ['ja', 'ja.html']]) {
    const table = JSON.parse(readFileSync(join(root, `www/i18n/${lang}.json`), 'utf8'));
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const p = await context.newPage();
    await p.goto(`${base}${path}?preset=qcd`);
    const r = await p.evaluate(() => ({
      lang: document.documentElement.lang,
      h1: document.querySelector('h1').textContent,
      keyed: [...document.querySelectorAll('[data-t]')].map((e) => [e.dataset.t, e.textContent]),
      empty: [...document.querySelectorAll('[data-t], [data-th]')].filter((e) => !e.textContent.trim()).map((e) => e.dataset.t || e.dataset.th),
      controls: [...document.querySelectorAll('#system-slot select, #settings select, #settings input')].map((e) => e.id),
    }));
    assert(r.lang === lang, `${path || 'index'}: <html lang="${r.lang}">`);
    assert(r.h1 === table['page.h1'], `${lang} h1 without scripts: '${r.h1}'`);
    const differ = r.keyed.filter(([k, text]) => text !== table[k]);
    assert(differ.length === 0, `${lang}: HTML and table differ: ${JSON.stringify(differ.slice(0, 3))}`);
    assert(r.empty.length === 0, `${lang}: empty keyed elements: ${r.empty.slice(0, 5)}`);
    // The settings controls are there before the engine (they come from the settings schema).
    assert(r.controls.includes('preset') && r.controls.includes('lr') && r.controls.includes('seed'), `${lang}: controls ${r.controls}`);
    await p.screenshot({ path: join(shots, `first-paint-no-js-${lang}.png`) });
    await context.close();
  }
  // With scripts, the engine keeps the controls the build wrote (same elements), so nothing moves.
  const p = await newPage('preset=qcd&seed=1&play=0', { init: () => {
    document.addEventListener('DOMContentLoaded', () => { window.__lr = document.getElementById('lr'); });
  } });
  assert(await p.evaluate(() => window.__lr && window.__lr === document.getElementById('lr')), 'the prerendered controls were replaced');
  await p.context().close();
});

check('Play trains: 50 epochs, the loss falls', async () => {
  await page.click('#play');
  const t0 = Date.now();
  await waitEpochs(page, 50);
  measurements.seconds_for_50_epochs_in_page = (Date.now() - t0) / 1000;
  const losses = await page.evaluate(() => window.adsdl.losses());
  const head = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
  const tail = losses.slice(-5).reduce((a, b) => a + b) / 5;
  assert(tail < head, `loss did not fall: ${head} → ${tail}`);
});

check('frames stay short while training at max speed', async () => {
  const gaps = await page.evaluate(() => new Promise((resolve) => {
    const t = [];
    const tick = (now) => { t.push(now); if (t.length < 120) requestAnimationFrame(tick); else resolve(t.slice(1).map((v, i) => v - t[i])); };
    requestAnimationFrame(tick);
  }));
  gaps.sort((a, b) => a - b);
  measurements.frame_ms_median = Math.round(gaps[gaps.length >> 1]);
  measurements.frame_ms_max = Math.round(gaps[gaps.length - 1]);
  assert(gaps[gaps.length - 1] < 100, `longest frame ${gaps[gaps.length - 1]} ms`);
});

check('the page trains in a Web Worker; Pause, Step and Play act within one frame', async () => {
  const e = await page.evaluate(() => window.adsdl.engine());
  assert(e.kind === 'worker' && e.snapshots > 10, JSON.stringify(e));
  // While training at full speed: after Pause, when does the step counter stop moving?
  const r = await page.evaluate(() => new Promise((resolve) => {
    const steps = () => window.adsdl.status().steps;
    document.getElementById('play').click();
    const t0 = performance.now();
    let last = steps();
    let lastChange = 0;
    const tick = (now) => {
      const s = steps();
      if (s !== last) { last = s; lastChange = now - t0; }
      if (now - t0 < 600) requestAnimationFrame(tick); else resolve({ lastChange, label: document.getElementById('play').textContent });
    };
    requestAnimationFrame(tick);
  }));
  measurements.pause_settles_ms = Math.round(r.lastChange);
  assert(r.label.includes('Play'), `button says ${r.label}`);
  assert(r.lastChange <= 1000 / 60 + 10, `training went on ${r.lastChange} ms after Pause`);
  // Step: exactly one mini-batch, shown within a frame or two.
  const before = (await status(page)).steps;
  const stepMs = await page.evaluate((b) => new Promise((resolve) => {
    document.getElementById('step').click();
    const t0 = performance.now();
    const tick = (now) => (window.adsdl.status().steps !== b || now - t0 > 1000 ? resolve(now - t0) : requestAnimationFrame(tick));
    requestAnimationFrame(tick);
  }), before);
  measurements.step_shown_ms = Math.round(stepMs);
  assert((await status(page)).steps === before + 1, 'one step');
  assert(stepMs <= 2 * (1000 / 60) + 5, `step shown after ${stepMs} ms`);
  await page.click('#play');
  await page.waitForFunction((b) => window.adsdl.status().steps > b + 50, before, { timeout: 5000 });
});

check('a training worker that cannot start (script missing, engine rejects): the page trains on its own thread within a second, nothing waits', async () => {
  const cases = [
    ['the worker script does not load', (r) => r.fulfill({ status: 404, body: '' })],
    ['the engine in the worker rejects', async (r) => {
      const resp = await r.fetch();
      const body = (await resp.text()).replace('init()', "init({ module_or_path: './pkg/missing.wasm' })");
      await r.fulfill({ response: resp, body });
    }],
  ];
  for (const [what, handler] of cases) {
    // A context of its own: the failures it provokes are its console's, not the page's. No
    // service worker: its install fetches train-worker.js too, through the same route, and a
    // handler still reading that response when the context closed once crashed the whole run.
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, serviceWorkers: 'block' });
    await context.route('**/train-worker.js', handler);
    const p = await context.newPage();
    const errors = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    await p.goto(`${base}?preset=qcd&seed=1&play=0`);
    await p.waitForFunction(() => window.adsdl && window.adsdl.firstFrameMs() !== null, null, { timeout: 20000 });
    const t0 = Date.now();
    await p.waitForFunction(() => window.adsdl.engine().kind === 'page', null, { timeout: 1000 })
      .catch(() => { throw new Error(`${what}: still training in the worker after 1 s`); });
    measurements[`fallback_ms_${what.split(' ')[1]}`] = Date.now() - t0;
    // Nothing waits on the dead worker, and the page's own loop trains.
    await p.evaluate(() => window.adsdl.idle());
    assert((await p.evaluate(() => window.adsdl.run(200))) === 200, `${what}: the page's loop trains`);
    assert(errors.length === 0, `${what}: ${errors.join(' | ')}`);
    await context.unrouteAll({ behavior: 'ignoreErrors' });
    await context.close();
  }
});

check('without Web Workers the page trains on its own thread', async () => {
  const p = await newPage('preset=qcd&seed=1', { init: () => { delete window.Worker; } });
  await p.waitForFunction(() => window.adsdl.status().epoch >= 3, null, { timeout: 30000 });
  assert((await p.evaluate(() => window.adsdl.engine())).kind === 'page', 'fallback engine');
  await p.context().close();
});

check('charts out of sight are not redrawn until they come into view (a phone)', async () => {
  const p = await newPage('preset=qcd&seed=1', { width: 360, height: 740, mobile: true });
  await p.waitForFunction(() => window.adsdl.status().epoch >= 20, null, { timeout: 30000 });
  await p.waitForTimeout(1500);
  const before = await p.evaluate(() => JSON.parse(JSON.stringify(window.adsdl.drawCost())));
  await p.waitForTimeout(1500);
  const mid = await p.evaluate(() => JSON.parse(JSON.stringify(window.adsdl.drawCost())));
  assert(mid.metric.draws > before.metric.draws + 5, `metric on screen: ${before.metric.draws} → ${mid.metric.draws}`);
  // Below the fold from the start: never drawn, not even on the first frame.
  assert(!before.spectrum && !mid.spectrum, `spectrum out of sight was drawn: ${JSON.stringify(mid.spectrum)}`);
  await p.evaluate(() => document.getElementById('chart-spectrum').scrollIntoView());
  await p.waitForFunction(() => (window.adsdl.drawCost().spectrum || { draws: 0 }).draws > 0, null, { timeout: 5000 });
  await p.context().close();
});

check('every chart canvas has drawn pixels', async () => {
  const px = await drawnPixels(page);
  for (const id of ['chart-metric', 'chart-data', 'chart-loss', 'chart-couplings']) {
    assert((px[id] || 0) > 2000, `${id}: ${px[id]} drawn pixels`);
  }
  await page.screenshot({ path: join(shots, 'light.png'), fullPage: true });
});

check('counters show epoch, rate, loss, L, 1/L and lambda', async () => {
  const txt = await page.evaluate(() => ['k-epoch', 'k-rate', 'k-loss', 'k-l', 'k-invl', 'k-lambda'].map((id) => document.getElementById(id).textContent));
  for (const t of txt) assert(t !== '–' && t !== '', `counter shows ${JSON.stringify(txt)}`);
});

check('the exported model evaluates (CLI) to the loss the page shows', async () => {
  await page.click('#play'); // pause
  await page.evaluate(() => window.adsdl.idle()); // the last slice's snapshot has arrived
  const pageLoss = await page.evaluate(() => window.adsdl.fullLoss());
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-model')]);
  const file = join(shots, 'exported-model.json');
  await dl.saveAs(file);
  const out = JSON.parse(execFileSync(cli, ['eval', '--model', file, '--train-set', '--json'], { maxBuffer: 1 << 28 }).toString());
  measurements.exported_model_loss_page = pageLoss;
  measurements.exported_model_loss_cli = out.loss;
  assert(out.loss === pageLoss, `page ${pageLoss} vs CLI ${out.loss}`);
});

check('page = CLI bit for bit on the shipped wasm over a full seeded run (1500 epochs of seed 4)', async () => {
  const p = await newPage('preset=qcd&seed=4&play=0');
  const perEpoch = (await status(p)).batches_per_epoch;
  assert((await p.evaluate((n) => window.adsdl.run(n), 1500 * perEpoch)) === 1500 * perEpoch, 'trained');
  const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#export-model')]);
  const file = join(shots, 'seed4-page.json');
  await dl.saveAs(file);
  const fromPage = JSON.parse(readFileSync(file, 'utf8'));
  const cliFile = join(shots, 'seed4-cli.json');
  try {
    execFileSync(cli, ['train', '--preset', 'qcd', '--seed', '4', '--epochs', '1500', '--max-epochs', '1500', '--quiet', '--out', cliFile], { stdio: 'ignore' });
  } catch {
    // Not converged by its budget is still a run to compare (the CLI then exits 1).
  }
  const fromCli = JSON.parse(readFileSync(cliFile, 'utf8'));
  assert(fromPage.epochs === 1500 && fromCli.epochs === 1500, `epochs ${fromPage.epochs} / ${fromCli.epochs}`);
  // JSON numbers round-trip exactly (shortest representation): equal text is equal bits.
  assert(fromCli.version === 2 && fromCli.params.h.length === 15 && fromCli.params.ads_radius > 0, `a version-2 file: ${JSON.stringify(fromCli).slice(0, 200)}`);
  for (const key of ['params', 'network', 'loss', 'version']) {
    assert(JSON.stringify(fromPage[key]) === JSON.stringify(fromCli[key]), `${key}: page ${JSON.stringify(fromPage[key])} vs CLI ${JSON.stringify(fromCli[key])}`);
  }
  await p.context().close();
});

check('the URL round-trips the configuration', async () => {
  await page.fill('#lr', '0.0015');
  await page.dispatchEvent('#lr', 'change');
  await page.fill('#seed', '5');
  await page.dispatchEvent('#seed', 'change');
  const url = page.url();
  assert(url.includes('lr=0.0015') && url.includes('seed=5'), `URL ${url}`);
  const cfg = await page.evaluate(() => window.adsdl.state().config);
  const again = await newPage(new URL(url).search.slice(1));
  const cfg2 = await again.evaluate(() => window.adsdl.state().config);
  assert(JSON.stringify(cfg) === JSON.stringify(cfg2), `${JSON.stringify(cfg)} vs ${JSON.stringify(cfg2)}`);
  await again.context().close();
});

check('keyboard: Space plays, R resets to the same initial weights', async () => {
  await page.evaluate(() => document.activeElement.blur());
  const h0 = await page.evaluate(() => JSON.parse(window.adsdl.exportModel()).params.h);
  await page.keyboard.press('Space');
  await waitEpochs(page, 3);
  await page.keyboard.press('Space');
  await page.keyboard.press('r');
  const s = await status(page);
  const h1 = await page.evaluate(() => JSON.parse(window.adsdl.exportModel()).params.h);
  assert(s.epoch === 0 && s.steps === 0, `after reset: epoch ${s.epoch}`);
  assert(JSON.stringify(h0) === JSON.stringify(h1), 'reset reproduces the initial weights');
});

check('AdS-Schwarzschild preset trains and shows the true metric', async () => {
  await page.selectOption('#preset', 'ads-schwarzschild');
  assert(page.url().includes('preset=ads-schwarzschild'), page.url());
  await page.click('#play');
  await waitEpochs(page, 50);
  await page.click('#play');
  const px = await drawnPixels(page);
  assert(px['chart-metric'] > 2000 && px['chart-data'] > 2000, JSON.stringify(px));
});

check('dark mode and embed mode render (screenshots)', async () => {
  const dark = await newPage('preset=qcd&seed=1', { colorScheme: 'dark' });
  await waitEpochs(dark, 40);
  const bg = await dark.evaluate(() => {
    const d = document.getElementById('chart-metric').getContext('2d').getImageData(2, 2, 1, 1).data;
    return d[0] + d[1] + d[2];
  });
  assert(bg < 150, `dark chart background ${bg}`);
  await dark.screenshot({ path: join(shots, 'dark.png'), fullPage: true });
  await dark.context().close();
  const embed = await newPage('preset=qcd&seed=1&embed=1', { width: 960, height: 760 });
  await waitEpochs(embed, 40);
  const hidden = await embed.evaluate(() => getComputedStyle(document.querySelector('.lede')).display);
  assert(hidden === 'none', 'embed hides the prose');
  await embed.screenshot({ path: join(shots, 'embed.png') });
  await embed.click('#play');
  await embed.context().close();
});

check('Embed button shows a ready iframe snippet; Cite shows BibTeX for both papers', async () => {
  await page.click('#embed');
  const code = await page.inputValue('#embed-code');
  assert(code.startsWith('<iframe') && code.includes('embed=1'), code);
  await page.click('#cite');
  const bib = await page.inputValue('#cite-code');
  assert(bib.includes('1802.08313') && bib.includes('1809.10536') && bib.includes('@software'), bib.slice(0, 80));
});

check('hostile URL parameters become visible notices, not markup', async () => {
  const p = await newPage('preset=qcd&lr=1e99&seed=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&x=%3Cb%3Ehi%3C%2Fb%3E&play=0');
  const notes = await p.evaluate(() => [...document.querySelectorAll('#notices li')].map((li) => li.textContent));
  const injected = await p.evaluate(() => document.querySelectorAll('#notices img, #notices b').length);
  assert(notes.length === 3 && injected === 0, `${JSON.stringify(notes)}; injected ${injected}`);
  assert((await p.evaluate(() => window.adsdl.state().config.lr)) === 10, 'lr clamped');
  await p.context().close();
});

check('a rejected model file leaves the run untouched', async () => {
  const p = await newPage('preset=qcd&play=0');
  const before = await status(p);
  await p.setInputFiles('#import-model', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"adsdl-model","version":9}') });
  await p.waitForFunction(() => document.getElementById('message').textContent.includes('bad.json'), null, { timeout: 10000 });
  const msg = await p.textContent('#message');
  assert(msg.includes('bad.json') && msg.includes('unchanged'), msg);
  assert(JSON.stringify(await status(p)) === JSON.stringify(before), 'status changed');
  await p.context().close();
});

check('the recipe says when it restarts a failing run (seed 2 drifts, caught at epoch 10)', async () => {
  const p = await newPage('preset=qcd&seed=2&play=0');
  // Exactly 11 epochs of 200 mini-batches, so the check sees the state right after epoch 10.
  await p.evaluate(() => window.adsdl.run(11 * 200));
  const s = await status(p);
  assert(s.attempt === 2 && s.events.length === 1 && s.events[0].epoch === 10, JSON.stringify(s.events));
  await p.waitForFunction(() => document.getElementById('message').textContent.includes('(attempt 2)'), null, { timeout: 5000 });
  const msg = await p.textContent('#message');
  assert(msg.includes('drifting upward') && msg.includes('restarted from a new initialisation (attempt 2)'), msg);
  await p.context().close();
});

check('an absurd learning rate trips the divergence guard; a smaller one continues', async () => {
  const p = await newPage('preset=qcd&seed=1&lr=10');
  await p.waitForFunction(() => window.adsdl.status().paused_reason !== null, null, { timeout: 60000 });
  const msg = await p.textContent('#message');
  assert(msg.includes('smaller learning rate'), msg);
  assert((await p.textContent('#play')).includes('Play'), 'training paused');
  const h = await p.evaluate(() => JSON.parse(window.adsdl.exportModel()).params.h);
  assert(h.every(Number.isFinite), 'parameters stay finite');
  const before = (await status(p)).steps;
  await p.fill('#lr', '0.002');
  await p.dispatchEvent('#lr', 'change');
  await p.click('#play');
  await p.waitForFunction((b) => window.adsdl.status().steps > b + 100, before, { timeout: 60000 });
  assert((await status(p)).paused_reason === null, 'guard cleared');
  await p.context().close();
});

check('own data: bad tables are refused with line and column, good ones train and travel in the link', async () => {
  const p = await newPage('preset=qcd&seed=1');
  await waitEpochs(p, 3);
  await p.click('#play'); // pause
  await p.click('.data-panel summary');
  const before = await status(p);
  const bad = [
    ['m_q,condensate\n0.001,0.01\n0.002,zz\n0.003,0.03\n0.004,0.04', 'line 3, column 2'],
    ['m_q,condensate\n-0.001,0.01\n0.002,0.02\n0.003,0.03\n0.004,0.04', 'negative quark mass'],
    ['m_q,condensate\n0.001,0.01\n0.002,0.02\n0.003,0.03', 'at least 4'],
    ['m_q,condensate\n0.001,0.01\n0.001,0.02\n0.003,0.03\n0.004,0.04', 'duplicates line 2'],
    ['m_q,condensate\n0.001,0.01\n0.002,0.02\n30,0.03\n0.004,0.04', 'absurd magnitude'],
    ['<img src=x onerror="window.pwned=1">,condensate\n1,2', 'header must name'],
  ];
  for (const [csv, want] of bad) {
    await p.fill('#data-text', csv);
    await p.click('#data-use');
    const msg = await p.textContent('#data-msg');
    assert(msg.includes(want) && msg.includes('unchanged'), `${want}: ${msg}`);
  }
  assert(await p.evaluate(() => document.querySelectorAll('#data-msg *').length === 0 && !window.pwned), 'no markup injected');
  assert(JSON.stringify(await status(p)) === JSON.stringify(before), 'the run is untouched by rejected tables');
  // Table I in lattice units with a 10 % larger condensate: converted with 1/a, trained on.
  const rows = [[0.0008125, 0.0111], [0.001625, 0.0202], [0.00325, 0.0375], [0.0065, 0.0666], [0.013, 0.1186], [0.026, 0.1807]];
  await p.fill('#data-text', 'm_q,condensate\n' + rows.map(([m, c]) => `${m},${(1.1 * c).toFixed(5)}`).join('\n'));
  await p.selectOption('#data-units', 'lattice');
  await p.click('#data-use');
  const msg = await p.textContent('#data-msg');
  assert(msg.includes('Training on your points'), msg);
  assert(page !== null && p.url().includes('data='), p.url());
  const cfg = await p.evaluate(() => window.adsdl.state().config);
  assert(cfg.data.length === 6 && Math.abs(cfg.data[5].condensate - 1.1 * 0.1807 * 0.829 ** 3) < 1e-6, JSON.stringify(cfg.data));
  await p.click('#play');
  await waitEpochs(p, 20);
  await p.click('#play');
  const again = await newPage(new URL(p.url()).search.slice(1) + '&play=0');
  assert(JSON.stringify(await again.evaluate(() => window.adsdl.state().config.data)) === JSON.stringify(cfg.data), 'data round-trip through the link');
  await again.context().close();
  await p.context().close();
});

check('the run survives a reload; Start fresh forgets it', async () => {
  const p = await newPage('preset=qcd&seed=4');
  await waitEpochs(p, 25);
  await p.click('#play');
  await p.evaluate(() => window.adsdl.idle());
  const before = await status(p);
  const h = await p.evaluate(() => JSON.parse(window.adsdl.exportModel()).params.h);
  await p.evaluate(() => window.adsdl.save());
  await p.reload();
  await p.waitForFunction(() => window.adsdl && window.adsdl.firstFrameMs() !== null);
  const after = await status(p);
  const h2 = await p.evaluate(() => JSON.parse(window.adsdl.exportModel()).params.h);
  assert(after.epoch === before.epoch && after.steps === before.steps, `epoch ${before.epoch} → ${after.epoch}`);
  assert(JSON.stringify(h) === JSON.stringify(h2), 'parameters restored');
  assert((await p.evaluate(() => window.adsdl.losses())).length === before.epoch, 'history restored');
  assert((await p.textContent('#message')).includes('Continuing your run'), 'the page says so');
  await p.click('#fresh');
  assert((await status(p)).epoch === 0, 'start fresh');
  await p.context().close();
});

// What the page said last (#message), waited for.
async function said(p, text, timeout = 10000) {
  try {
    await p.waitForFunction((x) => document.getElementById('message').textContent.includes(x), text, { timeout });
  } catch {
    throw new Error(`the page did not say "${text}"; it says "${await p.textContent('#message')}"`);
  }
}

check('seeds past 2^53−1 (a link, the field, a saved run) are refused with a word, and the page trains on', async () => {
  const p = await newPage('preset=qcd&seed=9007199254740992&play=0');
  const notes = await p.evaluate(() => [...document.querySelectorAll('#notices li')].map((li) => li.textContent).join(' | '));
  assert(notes.includes('9007199254740992') && notes.includes('out of range'), `notice: ${notes}`);
  assert((await p.evaluate(() => window.adsdl.state().config.seed)) === 1, 'the default seed');
  // Typed into the field: refused, the run kept.
  await p.evaluate(() => window.adsdl.run(400));
  const before = await status(p);
  await p.fill('#seed', '18446744073709551615');
  await p.dispatchEvent('#seed', 'change');
  await p.evaluate(() => window.adsdl.idle());
  assert((await p.evaluate(() => window.adsdl.state().config.seed)) === 1, 'the seed field took 2^64-1');
  assert((await status(p)).epoch === before.epoch, 'the run was replaced');
  // A saved run carrying such a seed, in the single slot of earlier builds (which allowed it):
  // discarded with a word at the next visit, which starts and trains.
  await p.evaluate(() => window.adsdl.save());
  const session = await p.evaluate(() => {
    const index = JSON.parse(localStorage.getItem('adsdl-runs-v2'));
    return localStorage.getItem(`adsdl-run-v2:${index[0].run}`);
  });
  await p.context().close();
  const bad = session.replace(/"seed":1,/, '"seed":18446744073709551615,');
  assert(bad !== session, 'the session names its seed');
  const q = await newPage('preset=qcd&seed=1&play=0', {
    init: `localStorage.getItem('adsdl-runs-v2') || localStorage.setItem('adsdl-session-v1', ${JSON.stringify(JSON.stringify({ query: 'preset=qcd&seed=18446744073709551615', saved: 1, session: bad }))});`,
  });
  await said(q, 'could not be restored');
  assert((await status(q)).epoch === 0, 'a fresh run');
  const kept = await q.evaluate(() => Object.keys(localStorage).map((k) => localStorage.getItem(k)).join(' '));
  assert(!kept.includes('18446744073709551615'), 'the bad run is forgotten');
  await q.evaluate(() => window.adsdl.run(200));
  assert((await status(q)).epoch >= 1, 'it trains');
  await q.context().close();
});

check('saved runs: one per run, two tabs keep two runs, another tab\'s live run is never overwritten, the oldest goes with a word', async () => {
  const a = await newPage('preset=qcd&seed=24&play=0');
  const context = a.context();
  const train = async (p, steps) => {
    await p.evaluate((k) => window.adsdl.run(k), steps);
    await p.evaluate(() => window.adsdl.save());
    return (await status(p)).epoch;
  };
  const epochA = await train(a, 2000);
  const b = await newPage('preset=qcd&seed=25&play=0', { context });
  const epochB = await train(b, 1000);
  assert(epochA > 0 && epochB > 0 && epochA !== epochB, `epochs ${epochA}, ${epochB}`);
  assert((await b.evaluate(() => window.adsdl.savedRuns())).length === 2, 'two runs kept');
  // Back to seed 24 in a new tab: its run, not epoch 0 (nor seed 25's).
  const c = await newPage('preset=qcd&seed=24&play=0', { context });
  assert((await status(c)).epoch === epochA, `seed 24 reopened at ${(await status(c)).epoch}, saved at ${epochA}`);
  // Tab a still saves seed 24 (within the last seconds): c's progress must not overwrite it.
  await c.evaluate((k) => window.adsdl.run(k), 400);
  await c.evaluate(() => window.adsdl.save());
  assert((await c.evaluate(() => window.adsdl.saveOutcome())) === 'other-tab', 'c overwrote a\'s run');
  await said(c, 'another tab');
  await context.close();
  // A fifth run drops the least recently saved one with a word (four runs no tab holds, saved
  // in this browser before).
  const earlier = [24, 25, 26, 27].map((seed, i) => ({ run: `preset=qcd&seed=${seed}`, saved: 1000 + i, tab: '' }));
  const init = `if (!localStorage.getItem('adsdl-runs-v2')) {
    localStorage.setItem('adsdl-runs-v2', ${JSON.stringify(JSON.stringify(earlier))});
    for (const e of ${JSON.stringify(earlier)}) localStorage.setItem('adsdl-run-v2:' + e.run, 'an earlier run');
  }`;
  const d = await newPage('preset=qcd&seed=28&play=0', { init });
  await train(d, 200);
  await said(d, 'was dropped');
  const runs = await d.evaluate(() => window.adsdl.savedRuns());
  assert(runs.length === 4 && !runs.includes('preset=qcd&seed=24') && runs.includes('preset=qcd&seed=28'), JSON.stringify(runs));
  await d.context().close();
});

check('full storage: saving stops with a word, the run trains on', async () => {
  const p = await newPage('preset=qcd&seed=6&play=0');
  // Fill the site's quota to the last kilobyte with someone else's data.
  await p.evaluate(() => {
    let i = 0;
    for (const size of [1 << 19, 1 << 15, 1 << 10, 64]) {
      for (;;) {
        try { localStorage.setItem(`other-${i++}`, 'x'.repeat(size)); } catch { break; }
      }
    }
  });
  await p.evaluate(() => window.adsdl.run(400));
  await p.evaluate(() => window.adsdl.save());
  assert((await p.evaluate(() => window.adsdl.saveOutcome())) === 'full', await p.evaluate(() => window.adsdl.saveOutcome()));
  await said(p, 'Saving has stopped');
  const e = (await status(p)).epoch;
  await p.evaluate(() => window.adsdl.run(400));
  assert((await status(p)).epoch > e, 'training stopped');
  await p.context().close();
});

check('the wall and the potential of the Table II metric are drawn and read out', async () => {
  const p = await newPage('preset=qcd&play=0', { height: 2400 });
  // The published metric and couplings as the engine holds them (one place: src/systems/qcd).
  const h = (await p.evaluate(() => window.adsdl.referencePoints())).map(([, v]) => v);
  const [L, lambda] = await p.evaluate(() => window.adsdl.publishedCouplings());
  const model = { format: 'adsdl-model', version: 1, preset: 'qcd', d: 4, m2: -3, layers: 15, eta_ini: 1, eta_fin: 1 / 15, h, lambda, ads_radius: L };
  await p.setInputFiles('#import-model', { name: 'table2.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(model)) });
  await p.waitForFunction(() => document.getElementById('k-screen').textContent.includes('screened beyond'), null, { timeout: 10000 });
  const o = await p.evaluate(() => window.adsdl.observables());
  assert(Math.abs(o.f_peak[0] - 0.364) < 0.02, `wall at ${o.f_peak[0]}`);
  assert(Math.abs(o.d_screen - 0.27) / 0.27 < 0.2, `screening at ${o.d_screen} L`);
  const px = await drawnPixels(p);
  assert(px['chart-fg'] > 2000 && px['chart-potential'] > 2000, JSON.stringify(px));
  await p.locator('#chart-fg').scrollIntoViewIfNeeded();
  await p.screenshot({ path: join(shots, 'observables.png'), fullPage: true });
  // In GeV and fm beside Cornell and Andreev–Zakharov: a different drawing, and the link keeps it.
  const before = await p.evaluate(() => document.getElementById('chart-potential').toDataURL());
  await p.locator('#compare').scrollIntoViewIfNeeded();
  await p.check('#compare');
  await p.waitForFunction((b) => document.getElementById('chart-potential').toDataURL() !== b, before, { timeout: 10000 });
  assert((await p.evaluate(() => location.search)).includes('compare=1'), 'the link carries compare=1');
  assert((await drawnPixels(p))['chart-potential'] > 2000, 'the comparison is drawn');
  await p.locator('#chart-potential').screenshot({ path: join(shots, 'potential-physical.png') });
  // The Laplace band on the metric: drawn, carried by the link, described, and as wide as the
  // CLI says for the same model (docs/physics.md §6).
  const file = join(shots, 'table2-model.json');
  writeFileSync(file, JSON.stringify(model));
  const cliBand = JSON.parse(execFileSync(cli, ['spectrum', '--model', file, '--json']).toString()).laplace;
  assert(cliBand && cliBand.measurements === 6, JSON.stringify(cliBand));
  const metricBefore = await p.evaluate(() => document.getElementById('chart-metric').toDataURL());
  await p.locator('#laplace').scrollIntoViewIfNeeded();
  await p.check('#laplace');
  await p.waitForFunction((b) => document.getElementById('chart-metric').toDataURL() !== b, metricBefore, { timeout: 10000 })
    .catch(() => { throw new Error('the metric was not redrawn with the Laplace band within 10 s'); });
  assert((await p.evaluate(() => location.search)).includes('laplace=1'), 'the link carries laplace=1');
  const want = `±${cliBand.sd[0].toFixed(2)} at the boundary and ±${cliBand.sd[14].toFixed(1)} toward the horizon`;
  await p.waitForFunction((w) => document.getElementById('desc-metric').textContent.includes(w), want, { timeout: 10000 })
    .catch(async () => { throw new Error(`description: ${await p.textContent('#desc-metric')}; CLI: ${want}`); });
  await p.locator('#chart-metric').screenshot({ path: join(shots, 'metric-laplace.png') });
  await p.context().close();
});

check('from the potential to the bulk: Cornell, a table with errors, the round trip; bad input is named and changes nothing', async () => {
  const p = await newPage('preset=qcd&play=0&potential=cornell:0.52,0.1826', { height: 2400 });
  // Nothing is inverted before the panel comes near the screen.
  assert((await p.evaluate(() => window.adsdl.inversion())) === null, 'inverted before it was seen');
  await p.locator('#inverse').scrollIntoViewIfNeeded();
  await p.waitForFunction(() => window.adsdl.inversion() !== null, null, { timeout: 10000 });
  const page1 = JSON.parse(await p.evaluate(() => window.adsdl.inversion()));
  // The page's engine and the CLI give the same numbers (one code, natively and in wasm).
  const native = JSON.parse(execFileSync(cli, ['invert', '--cornell', '0.52,0.1826', '--json']).toString());
  assert(page1.z.length === native.z.length, `${page1.z.length} vs ${native.z.length} depths`);
  const worst = page1.z.reduce((w, z, i) => Math.max(w, Math.abs(z / native.z[i] - 1)), 0);
  assert(worst < 1e-12, `page and CLI differ by ${worst}`);
  assert(page1.bottom.z === null && page1.network.h.length === page1.z.length, 'a throat and the network variables');
  assert((await p.inputValue('#inv-source')) === 'cornell' && (await p.inputValue('#inv-kappa')) === '0.52', 'the link sets the controls');
  let px = await drawnPixels(p);
  assert(px['chart-inv-tension'] > 2000 && px['chart-inv-metric'] > 2000, JSON.stringify(px));
  assert((await p.textContent('#desc-inverse')).includes('IR bottom σ = 0.1826'), await p.textContent('#desc-inverse'));
  // Bad input: a message naming what is wrong; the last result stays, the run is untouched.
  const steps = (await status(p)).steps;
  await p.fill('#inv-kappa', '-1');
  await p.dispatchEvent('#inv-kappa', 'change');
  await p.waitForFunction(() => !document.getElementById('inv-msg').hidden);
  assert((await p.textContent('#inv-msg')).includes('κ = -1'), await p.textContent('#inv-msg'));
  assert((await p.evaluate(() => window.adsdl.inversion())) !== null && (await status(p)).steps === steps, 'kept');
  assert((await p.evaluate(() => location.search)).includes('potential=cornell:0.52,0.1826'), 'the link keeps the last good input');
  // A table with errors: its lines are named when wrong; a good one gives a band and travels in the link.
  await p.selectOption('#inv-source', 'table');
  await p.fill('#inv-text', '# r in fm\nr_fm,V_GeV,error_GeV\n0.2,-0.5,0.01\n0.3,oops,0.01\n');
  await p.click('#inv-use');
  await p.waitForFunction(() => document.getElementById('inv-msg').textContent.includes('line 4'));
  const rows = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((r) => {
    const x = r / 0.19732698;
    return `${r},${(-0.45 / x + 0.19 * x).toFixed(4)},0.01`;
  });
  await p.fill('#inv-text', ['r_fm,V_GeV,error_GeV', ...rows].join('\n'));
  await p.click('#inv-use');
  await p.waitForFunction(() => document.getElementById('inv-msg').hidden);
  const table = JSON.parse(await p.evaluate(() => window.adsdl.inversion()));
  assert(table.band && table.band.length > 10 && table.data_z[0] < table.data_z[1], 'a band and the data depths');
  assert((await p.evaluate(() => location.search)).includes('potential=table:'), 'the table travels in the link');
  await p.locator('#inverse').screenshot({ path: join(shots, 'inverse-table.png') });
  // The round trip: this network's own V(d) (here P2's Table II metric, imported).
  const h = (await p.evaluate(() => window.adsdl.referencePoints())).map(([, v]) => v);
  const [L, lambda] = await p.evaluate(() => window.adsdl.publishedCouplings());
  const model = { format: 'adsdl-model', version: 1, preset: 'qcd', d: 4, m2: -3, layers: 15, eta_ini: 1, eta_fin: 1 / 15, h, lambda, ads_radius: L };
  await p.setInputFiles('#import-model', { name: 'table2.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(model)) });
  await p.selectOption('#inv-source', 'model');
  await p.waitForFunction(() => window.adsdl.inversion().includes('"tilde"'), null, { timeout: 10000 });
  const trip = JSON.parse(await p.evaluate(() => window.adsdl.inversion()));
  assert(trip.tilde.direct.length > 400 && trip.bottom.z > 0, 'the round trip');
  assert((await p.evaluate(() => location.search)).includes('potential=model'), 'the link says model');
  px = await drawnPixels(p);
  assert(px['chart-inv-tension'] > 2000 && px['chart-inv-metric'] > 2000, JSON.stringify(px));
  await p.locator('#inverse').screenshot({ path: join(shots, 'inverse-model.png') });
  await axe(p, 'inverse panel');
  await p.context().close();
  // A phone, dark: the panel fits the width.
  const phone = await newPage('preset=qcd&play=0&potential=sommer', { width: 360, height: 740, mobile: true, colorScheme: 'dark' });
  await phone.locator('#inverse').scrollIntoViewIfNeeded();
  await phone.waitForFunction(() => window.adsdl.inversion() !== null, null, { timeout: 10000 });
  assert((await phone.evaluate(() => document.documentElement.scrollWidth)) <= 360, 'no sideways scroll');
  await phone.locator('#inverse').screenshot({ path: join(shots, 'inverse-phone-dark.png') });
  await phone.context().close();
});

check('a settings change is applied once: one call to the training engine, one link', async () => {
  const p = await newPage('preset=qcd&play=0');
  for (const [id, value] of [['seed', '7'], ['lr', '0.003'], ['batch', '50']]) {
    const before = await p.evaluate(() => window.adsdl.engine().calls);
    // As a user does: type, then leave the field (the browser's own change event).
    await p.fill(`#${id}`, value);
    await p.press(`#${id}`, 'Tab');
    const after = await p.evaluate(() => window.adsdl.engine().calls);
    assert(after - before === 1, `${id}: ${after - before} calls to the engine`);
    assert(new URL(p.url()).searchParams.get(id) === value, `${id}: ${p.url()}`);
  }
  await p.context().close();
});

check('registry, URL, CLI and page agree for every system', async () => {
  const cliList = JSON.parse(execFileSync(cli, ['settings', '--json']).toString());
  const p = await newPage('preset=qcd&play=0');
  const menu = await p.evaluate(() => [...document.querySelectorAll('#preset option')].map((o) => o.value));
  // The systems the page draws (the mesons are the command line's until their panels exist).
  const inPage = cliList.systems.filter((s) => s.in_page);
  assert(inPage.length >= 3, JSON.stringify(cliList.systems.map((s) => [s.name, s.in_page])));
  assert(JSON.stringify(menu) === JSON.stringify(inPage.map((s) => s.name)), `menu ${menu}`);
  const keys = new Set(cliList.settings.filter((s) => s.control).map((s) => s.key));
  for (const sys of inPage) {
    await p.selectOption('#preset', sys.name);
    assert(new URL(p.url()).searchParams.get('preset') === sys.name, p.url());
    const shown = await p.evaluate(() => [...document.querySelectorAll('figure[data-chart]')].filter((f) => !f.hidden).map((f) => f.dataset.chart));
    assert(JSON.stringify(shown) === JSON.stringify(sys.charts), `${sys.name}: charts ${shown} vs ${sys.charts}`);
    const ids = await p.evaluate(() => [...document.querySelectorAll('#settings [id], #system-slot [id]')].map((e) => e.id));
    for (const id of ids) assert(keys.has(id), `${sys.name}: control #${id} is not a declared setting`);
    assert(ids.includes('lr') && ids.includes('seed'), `${sys.name}: controls ${ids}`);
    await p.evaluate(() => window.adsdl.run(200));
    const s = await status(p);
    assert(s.preset === sys.name && s.steps === 200, JSON.stringify(s).slice(0, 200));
  }
  await p.context().close();
});

check('your own spacetime: drag a point of the metric, the run restarts on it; a bad table is refused', async () => {
  const p = await newPage('preset=custom&play=0', { height: 1400 });
  const before = await p.evaluate(() => window.adsdl.referencePoints());
  // Layer 5 of the metric chart, in CSS pixels: from the chart's own axes.
  const at = await p.evaluate(() => {
    const c = document.getElementById('chart-metric');
    const g = window.adsdl.metricGeometry();
    const [eta, h] = window.adsdl.referencePoints()[5];
    const r = c.getBoundingClientRect();
    const s = r.width / c.width;
    const x = g.px_x[0] + ((eta - g.x[0]) / (g.x[1] - g.x[0])) * (g.px_x[1] - g.px_x[0]);
    const y = g.px_y[0] + ((g.y[1] - h) / (g.y[1] - g.y[0])) * (g.px_y[1] - g.px_y[0]);
    return { x: r.left + x * s, y: r.top + y * s };
  });
  await p.mouse.move(at.x, at.y);
  await p.mouse.down();
  await p.mouse.move(at.x, at.y - 40, { steps: 4 });
  await p.mouse.up();
  const after = await p.evaluate(() => window.adsdl.referencePoints());
  assert(after[5][1] > before[5][1] + 0.1, `layer 5: ${before[5][1]} → ${after[5][1]}`);
  assert(after[0][1] === before[0][1], 'other layers stay');
  assert(p.url().includes('metric='), p.url());
  await p.click('.metric-panel summary');
  const q = p.url();
  await p.fill('#metric-text', 'eta,h\n0.1,5\n0.6,3\n0.5,3\n1.0,3');
  await p.click('#metric-use');
  const msg = await p.textContent('#metric-msg');
  assert(msg.includes('line 4') && msg.includes('unchanged'), msg);
  assert(p.url() === q, 'a refused metric changes nothing');
  await p.click('#play');
  await waitEpochs(p, 20);
  await p.click('#play');
  await p.screenshot({ path: join(shots, 'custom.png') });
  await p.context().close();
});

check('phone (360 px): the metric and Play on the first screen, settings folded, 44 px targets, no sideways scroll at 320 px', async () => {
  const p = await newPage('preset=qcd&seed=1&play=0', { width: 360, height: 740, mobile: true });
  const r = await p.evaluate(() => {
    const box = (sel) => document.querySelector(sel).getBoundingClientRect().toJSON();
    const small = [...document.querySelectorAll('.controls button, .controls select, .controls input, .controls summary, figcaption button')]
      .filter((e) => e.offsetParent !== null)
      .map((e) => [e.id || e.className || e.tagName, e.getBoundingClientRect().height])
      .filter(([, h]) => h < 44);
    return { metric: box('#chart-metric'), play: box('#play'), folded: getComputedStyle(document.getElementById('settings-body')).display === 'none' && document.getElementById('settings-toggle').getAttribute('aria-expanded') === 'false', small, vh: innerHeight, sw: document.documentElement.scrollWidth };
  });
  assert(r.metric.bottom <= r.vh && r.metric.top >= 0, `metric chart at ${r.metric.top}–${r.metric.bottom} of ${r.vh}`);
  assert(r.play.bottom <= r.vh, 'Play on the first screen');
  assert(r.folded, 'settings folded on a phone');
  assert(r.small.length === 0, `touch targets under 44 px: ${JSON.stringify(r.small)}`);
  assert(r.sw <= 360, `scroll width ${r.sw}`);
  await p.click('#play');
  await waitEpochs(p, 20);
  await p.click('#play');
  await p.screenshot({ path: join(shots, 'phone-360.png') });
  await axe(p, 'phone');
  await p.setViewportSize({ width: 320, height: 640 });
  await p.waitForTimeout(300);
  const sw = await p.evaluate(() => document.documentElement.scrollWidth);
  assert(sw <= 320, `sideways scroll at 320 px: scroll width ${sw}`);
  await p.context().close();
});

check('embedded cross-origin in a sandboxed 800×600 iframe: chosen panels fit under one control row', async () => {
  const dir = join(shots, 'host');
  mkdirSync(dir, { recursive: true });
  const hostPort = await freePort();
  const frames = [['metric,data', 2], ['metric,data,loss,couplings,fg,potential', 6]];
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html lang="en"><link rel="icon" href="data:,"><title>A workshop page</title><main><h1>Deep Learning and Physics</h1>${frames.map(([panels], i) =>
    `<iframe id="f${i}" src="${base}?preset=qcd&seed=1&embed=1&panels=${panels}" width="800" height="600" sandbox="allow-scripts allow-same-origin" style="border:0" title="adsdl ${i}"></iframe>`).join('')}</main>`);
  const host = spawn(cli, ['serve', '--dir', dir, '--port', String(hostPort)], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise((resolve) => host.stderr.once('data', resolve));
  const context = await browser.newContext({ viewport: { width: 1700, height: 700 } });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`embed: ${m.text()}`); });
  await page.goto(`http://127.0.0.1:${hostPort}/`);
  for (const [i, [panels, n]] of frames.entries()) {
    const frame = await (await page.$(`#f${i}`)).contentFrame();
    assert(frame, `frame ${i}`);
    await frame.waitForFunction(() => window.adsdl && window.adsdl.status().epoch >= 5, null, { timeout: 60000 });
    const r = await frame.evaluate(() => {
      const shown = [...document.querySelectorAll('figure[data-chart]')].filter((f) => f.offsetParent !== null);
      return {
        origin: location.origin,
        shown: shown.map((f) => f.dataset.chart),
        inside: shown.every((f) => { const b = f.getBoundingClientRect(); return b.top >= 0 && b.left >= 0 && b.bottom <= innerHeight + 0.5 && b.right <= innerWidth + 0.5; }),
        scroll: document.documentElement.scrollHeight - innerHeight,
        controls: document.querySelector('.controls').getBoundingClientRect().height,
        link: document.getElementById('full-page').offsetParent !== null && !document.getElementById('full-page').href.includes('embed=1'),
        h: shown.map((f) => Math.round(f.getBoundingClientRect().height)),
      };
    });
    if (i === 0) await page.screenshot({ path: join(shots, 'embed-800x600.png') });
    assert(r.origin !== new URL(page.url()).origin, 'cross-origin');
    assert(JSON.stringify(r.shown) === JSON.stringify(panels.split(',')), `${panels}: shown ${r.shown}`);
    assert(r.inside && r.scroll <= 0, `${panels}: panels inside the frame ${r.inside}, overflow ${r.scroll}px`);
    assert(r.controls <= 60, `one control row: ${r.controls}px`);
    assert(r.link, 'an "open the full page" link without embed=1');
    assert(Math.min(...r.h) > 150, `${panels}: panel heights ${r.h}`);
    measurements[`embed_${n}_panel_heights`] = r.h;
  }
  await page.screenshot({ path: join(shots, 'embed-800x600.png') });
  const f0 = await (await page.$('#f0')).contentFrame();
  await f0.click('#play');
  await context.close();
  host.kill();
  const alone = await newPage('preset=qcd&seed=1&embed=1&play=0', { width: 800, height: 600 });
  await axe(alone, 'embed');
  await alone.context().close();
});

check('the tour (tour=1) walks through every step beside its panel, keeps the controls usable, closes with Esc', async () => {
  const p = await newPage('preset=qcd&seed=1&play=0&tour=1');
  await p.waitForSelector('#tour:not([hidden])');
  assert(await p.evaluate(() => document.activeElement.id === 'tour-title'), 'focus moves into the tour');
  assert(await p.evaluate(() => document.getElementById('tour-open').classList.contains('new')), 'a new visitor sees the dot');
  const seen = [];
  for (;;) {
    const r = await p.evaluate(() => {
      const target = document.querySelector('.tour-target');
      const box = document.getElementById('tour').getBoundingClientRect();
      return { count: document.getElementById('tour-count').textContent, title: document.getElementById('tour-title').textContent, target: target ? (target.dataset.chart || target.id || target.className) : null, inside: box.left >= 0 && box.right <= document.documentElement.clientWidth };
    });
    assert(r.target, `step ${r.count} points at nothing`);
    assert(r.inside, `step ${r.count}: the dialog leaves the page`);
    seen.push(`${r.count} ${r.title} → ${r.target}`);
    if (seen.length === 3) {
      // The run goes on under the tour: Play works while it is open.
      await p.click('#play');
      await p.waitForFunction(() => window.adsdl.status().steps > 0, null, { timeout: 10000 });
      await p.click('#play');
      await p.screenshot({ path: join(shots, 'tour-step.png') });
    }
    const [at, total] = r.count.split(' / ').map(Number);
    if (at === total) break;
    await p.click('#tour-next');
  }
  measurements.tour_steps = seen;
  assert(seen.length >= 6 && seen.length <= 8, `${seen.length} steps: ${seen.join('; ')}`);
  await p.click('#tour-back');
  assert((await p.evaluate(() => window.adsdl.tour().step)) === seen.length - 2, 'Back goes back');
  await p.keyboard.press('Escape');
  const after = await p.evaluate(() => ({ open: window.adsdl.tour().open, focus: document.activeElement.id, seen: localStorage.getItem('adsdl-tour-seen'), url: location.search }));
  assert(!after.open && after.focus === 'play' && after.seen === '1', JSON.stringify(after));
  assert(!after.url.includes('tour=1'), `the link still opens the tour: ${after.url}`);
  // Seen: no dot on the button next time; the button opens it again.
  // The same browser again (its localStorage), without tour=1.
  const again = p;
  await again.goto(`${base}?preset=qcd&seed=1&play=0`);
  await again.waitForFunction(() => window.adsdl && window.adsdl.firstFrameMs() !== null, null, { timeout: 20000 });
  assert(!(await again.evaluate(() => window.adsdl.tour().open)), 'no tour without tour=1');
  assert(!(await again.evaluate(() => document.getElementById('tour-open').classList.contains('new'))), 'remembered as seen');
  await again.click('#tour-open');
  assert((await again.evaluate(() => window.adsdl.tour().open)), 'the button opens the tour');
  await again.click('#tour-close');
  assert(await again.evaluate(() => document.activeElement.id === 'tour-open'), 'focus returns to the button');
  await p.context().close();
});

check('Record: a 3-second clip of two panels downloads as a non-empty WebM; Pause stops a recording', async () => {
  const p = await newPage('preset=qcd&seed=1&play=0');
  await p.click('#record');
  await p.selectOption('#record-length', '3');
  const t0 = Date.now();
  const [dl] = await Promise.all([p.waitForEvent('download', { timeout: 20000 }), p.click('#record-start')]);
  const seconds = (Date.now() - t0) / 1000;
  assert(await p.evaluate(() => window.adsdl.status().steps > 0), 'recording plays the run');
  const file = join(shots, 'clip.webm');
  await dl.saveAs(file);
  const bytes = readFileSync(file);
  measurements.clip_bytes = bytes.length;
  assert(dl.suggestedFilename().match(/^adsdl-qcd-seed1-epoch\d+-metric\+data\.webm$/), dl.suggestedFilename());
  assert(bytes.length > 10000 && bytes.readUInt32BE(0) === 0x1a45dfa3, `${bytes.length} bytes, header ${bytes.subarray(0, 4).toString('hex')}`);
  assert(seconds >= 2.5 && seconds < 10, `stopped after ${seconds} s`);
  // A longer one ends on Pause, with the indicator shown meanwhile.
  await p.selectOption('#record-length', '30');
  const [dl2] = await Promise.all([p.waitForEvent('download', { timeout: 20000 }), (async () => {
    await p.click('#record-start');
    await p.waitForTimeout(1200);
    assert(await p.isVisible('#rec-indicator'), 'indicator while recording');
    await p.click('#play');
  })()]);
  assert(!(await p.isVisible('#rec-indicator')), 'indicator gone');
  assert(dl2.suggestedFilename().endsWith('.webm'), 'second clip');
  await p.context().close();
});

// Until the page's service worker is activated, in control and has its build's files cached
// (cache `adsdl-HASH`, HASH read from the served sw.js when given). Polled with evaluate, which
// awaits the check: waitForFunction does not await an async predicate and takes its promise as
// true at once (microsoft/playwright#29132) — the cause of the offline check's earlier
// intermittent failures, which raced the worker's install.
async function offlineReady(p, hash = null) {
  const ready = () => p.evaluate(async (want) => {
    const reg = await navigator.serviceWorker.getRegistration();
    // Activated and in control (clients.claim() done): a reload while it is still activating
    // can miss it and go to the (offline) network.
    if (!reg || !reg.active || reg.active.state !== 'activated' || !navigator.serviceWorker.controller) return false;
    const keys = await caches.keys();
    const key = want ? `adsdl-${want}` : keys[0];
    if (!keys.includes(key)) return false;
    const c = await caches.open(key);
    return (await c.keys()).length >= 10;
  }, hash);
  const until = Date.now() + 20000;
  while (!(await ready())) {
    assert(Date.now() < until, 'the service worker did not install and fill its cache within 20 s');
    await p.waitForTimeout(200);
  }
}

check('works offline after one visit (service worker, content-hashed cache)', async () => {
  // Its own server, stopped after the visit: the folder's origin is then really gone. (Playwright's
  // offline emulation does not reach a service worker's own fetches, and a reload under it
  // sometimes went to the emulated-offline network before the worker, 2 full runs in 40.)
  const ownPort = await freePort();
  const own = spawn(cli, ['serve', '--dir', join(root, 'dist'), '--port', String(ownPort), '--prefix', PREFIX], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise((resolve) => own.stderr.once('data', resolve));
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const p = await context.newPage();
  p.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`offline: ${m.text()}`); });
  await p.goto(`http://127.0.0.1:${ownPort}${PREFIX}?preset=qcd&seed=3&play=0`);
  await offlineReady(p);
  const cache = await p.evaluate(async () => (await caches.keys()).join(','));
  assert(/^adsdl-[0-9a-f]{12}$/.test(cache), `cache name ${cache}`);
  const hash = readFileSync(join(root, 'dist/sw.js'), 'utf8').match(/adsdl-([0-9a-f]{12})/)[1];
  assert(cache === `adsdl-${hash}`, `cache ${cache} vs build ${hash}`);
  own.kill();
  await new Promise((resolve) => own.once('exit', resolve));
  await p.reload();
  await p.waitForFunction(() => window.adsdl && window.adsdl.firstFrameMs() !== null, null, { timeout: 20000 });
  await p.evaluate(() => window.adsdl.run(400));
  assert((await status(p)).steps === 400, 'trains offline');
  await context.close();
});

// Layout shift over the first 5 s of a visit (the page starts training on load, as a link
// does), and the h1's text in the first frame the page paints.
async function firstSeconds(query, opts) {
  const p = await newPage(query, {
    ...opts,
    init: () => {
      window.__shifts = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if (e.hadRecentInput) continue;
          const moved = (e.sources || []).map((x) => (x.node && (x.node.id || x.node.className || x.node.nodeName)) || '?');
          window.__shifts.push({ t: Math.round(e.startTime), value: e.value, moved });
        }
      }).observe({ type: 'layout-shift', buffered: true });
      const first = () => {
        const h1 = document.querySelector('h1');
        if (h1) window.__h1First = h1.textContent;
        else requestAnimationFrame(first);
      };
      requestAnimationFrame(first);
    },
  });
  await p.waitForFunction(() => performance.now() > 5000, null, { timeout: 20000, polling: 250 });
  const r = await p.evaluate(() => ({ shifts: window.__shifts, h1: window.__h1First }));
  await p.context().close();
  const cls = r.shifts.reduce((a, x) => a + x.value, 0);
  return { cls, h1: r.h1, shifts: r.shifts };
}

check('the first seconds: words in the first frame, nothing jumps (layout shift ≤ 0.05 over 5 s) at phone, desktop and embed sizes, in English and Japanese', async () => {
  const views = [
    ['phone 360×740, en', 'preset=qcd&seed=1', { width: 360, height: 740, mobile: true }],
    ['phone 360×740, ja', 'preset=qcd&seed=1&lang=ja', { width: 360, height: 740, mobile: true, locale: 'ja-JP' }],
    ['desktop 1400×900, en', 'preset=qcd&seed=1', { width: 1400, height: 900 }],
    ['desktop 1400×900, ja', 'preset=qcd&seed=1&lang=ja', { width: 1400, height: 900, locale: 'ja-JP' }],
    ['embed 800×600', 'preset=qcd&seed=1&embed=1', { width: 800, height: 600 }],
  ];
  const bad = [];
  measurements.layout_shift = {};
  for (const [what, query, opts] of views) {
    const r = await firstSeconds(query, opts);
    measurements.layout_shift[what] = Number(r.cls.toFixed(4));
    if (!(r.h1 && r.h1.trim())) bad.push(`${what}: the first frame's h1 is empty`);
    if (r.cls > 0.05) bad.push(`${what}: shift ${r.cls.toFixed(3)} — ${r.shifts.map((x) => `${x.t} ms ${x.value.toFixed(3)} [${x.moved.join(' ')}]`).join('; ')}`);
  }
  assert(bad.length === 0, bad.join('\n     '));
});

check('a new build deployed while a page runs the old one: every file a page runs is from one build', async () => {
  // Build B: build A's folder under another name, every script marked. Its .gz copies are
  // dropped (they would be A's bytes under B's names).
  const a = buildDir(root).slice(2);
  const b = 'bbbbbbbbbbbb';
  const distB = join(shots, 'dist-b');
  rmSync(distB, { recursive: true, force: true });
  cpSync(join(root, 'dist'), distB, { recursive: true });
  renameSync(join(distB, 'b', a), join(distB, 'b', b));
  for (const f of readdirSync(distB, { recursive: true })) {
    const path = join(distB, f);
    if (f.endsWith('.gz')) rmSync(path);
    else if (/\.(js|html)$/.test(f)) {
      let text = readFileSync(path, 'utf8').replaceAll(a, b);
      if (f.startsWith('b/') && f.endsWith('.js')) text += `\nglobalThis.adsdlBuild = 'B';\n`;
      writeFileSync(path, text);
    }
  }
  const jaB = join(distB, 'b', b, 'i18n/ja.json');
  writeFileSync(jaB, JSON.stringify({ ...JSON.parse(readFileSync(jaB, 'utf8')), 'page.h1': 'ビルドB' }));
  const abPort = await freePort();
  const serve = (dir) => {
    const s = spawn(cli, ['serve', '--dir', dir, '--port', String(abPort), '--prefix', PREFIX], { stdio: ['ignore', 'ignore', 'pipe'] });
    return new Promise((resolve) => s.stderr.once('data', () => resolve(s)));
  };
  const stop = (s) => new Promise((resolve) => { s.once('exit', resolve); s.kill(); });
  let host = await serve(join(root, 'dist'));
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const seen = [];
  // The page's requests and its workers' (the training worker fetches the wasm itself).
  context.on('request', (r) => {
    const m = /\/b\/([0-9a-f]+)\//.exec(new URL(r.url()).pathname);
    if (m) seen.push(m[1]);
  });
  const p = await context.newPage();
  p.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`build A/B: ${m.text()}`); });
  const url = `http://127.0.0.1:${abPort}${PREFIX}?preset=qcd&seed=3&play=0&lang=en`;
  await p.goto(url);
  await p.waitForFunction(() => window.adsdl && window.adsdl.firstFrameMs() !== null, null, { timeout: 20000 });
  await offlineReady(p, a);
  // B is deployed while A's page is open; the page then loads a file it had not needed yet.
  await stop(host);
  host = await serve(distB);
  // Without the browser's HTTP cache (a host may not say `immutable`, a phone may have evicted
  // it), only the service worker's copy of build A remains.
  await (await context.newCDPSession(p)).send('Network.clearBrowserCache');
  await p.selectOption('#lang', 'ja');
  await p.waitForFunction(() => document.documentElement.lang === 'ja', null, { timeout: 10000 });
  const h1 = await p.textContent('h1');
  assert(/[\u3040-\u30ff\u4e00-\u9fff]/.test(h1) && !h1.includes('ビルドB'), `page A in its own Japanese after B was deployed: ${h1}`);
  assert(seen.length > 0 && seen.every((x) => x === a), `page A fetched ${[...new Set(seen)].join(', ')}`);
  assert(await p.evaluate(() => globalThis.adsdlBuild === undefined), 'page A runs B code');
  // The next visit: all B, the page and both workers.
  seen.length = 0;
  await p.goto(url);
  await p.waitForFunction(() => window.adsdl && window.adsdl.firstFrameMs() !== null, null, { timeout: 20000 });
  await p.evaluate(() => window.adsdl.run(50));
  assert((await status(p)).steps === 50, 'build B trains');
  assert(await p.evaluate(() => globalThis.adsdlBuild === 'B'), 'the second visit runs B');
  assert(seen.length > 0 && seen.every((x) => x === b), `the second visit fetched ${[...new Set(seen)].join(', ')}`);
  // B's worker installs; A's cache stays one more build (a page may still run it).
  await offlineReady(p, b);
  const keys = await p.evaluate(() => caches.keys());
  assert(keys.includes(`adsdl-${a}`) && keys.includes(`adsdl-${b}`), `caches ${keys}`);
  await context.close();
  await stop(host);
});

check('presentation mode on a projector: high contrast, chart text ≥ 24 px, lines ≥ 3 px', async () => {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const p = await context.newPage();
  await p.addInitScript(() => {
    window.__fonts = [];
    window.__lines = [];
    const fill = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (...a) { window.__fonts.push(parseFloat(/([0-9.]+)px/.exec(this.font)[1])); return fill.apply(this, a); };
    const stroke = CanvasRenderingContext2D.prototype.stroke;
    CanvasRenderingContext2D.prototype.stroke = function (...a) { window.__lines.push(this.lineWidth); return stroke.apply(this, a); };
  });
  await p.goto(`${base}?preset=qcd&seed=1&present=1`);
  await p.waitForFunction(() => window.adsdl && window.adsdl.status().epoch >= 30, null, { timeout: 60000 });
  const r = await p.evaluate(() => {
    const d = document.getElementById('chart-metric').getContext('2d').getImageData(3, 3, 1, 1).data;
    return { fonts: Math.min(...window.__fonts), lines: Math.max(...window.__lines), bg: d[0] + d[1] + d[2], dpr: devicePixelRatio };
  });
  assert(r.fonts >= 24 * r.dpr, `smallest chart text ${r.fonts}px`);
  assert(r.lines >= 3 * r.dpr, `data lines ${r.lines}px`);
  assert(r.bg < 30, `projector background ${r.bg}`);
  measurements.projector_smallest_text_px = r.fonts;
  await p.screenshot({ path: join(shots, 'projector-1920.png') });
  await context.close();
});

check('each chart has a live description that follows the run; axe finds nothing in light and dark', async () => {
  const p = await newPage('preset=qcd&seed=1', { height: 1200 });
  await waitEpochs(p, 30);
  await p.waitForFunction(() => document.getElementById('desc-metric').textContent.includes('minimum'), null, { timeout: 15000 });
  const d = await p.evaluate(() => ['metric', 'data', 'loss', 'couplings'].map((n) => document.getElementById(`desc-${n}`).textContent));
  for (const t of d) assert(t.length > 20, `description ${JSON.stringify(d)}`);
  assert((await p.getAttribute('#desc-metric', 'aria-live')) === 'polite', 'polite live region');
  await p.click('#play');
  await axe(p, 'light');
  await p.context().close();
  const dark = await newPage('preset=qcd&seed=1&play=0', { colorScheme: 'dark', height: 1200 });
  await axe(dark, 'dark');
  await dark.context().close();
});

check('an ensemble of 4 seeds trains in Web Workers and shows Table II with bands', async () => {
  const p = await newPage('preset=qcd&seed=1&play=0', { height: 1200 });
  await p.selectOption('#ens-m', '4');
  await p.fill('#ens-epochs', '1500');
  const t0 = Date.now();
  await p.click('#ens-start');
  await p.waitForFunction(() => document.getElementById('ens-progress').textContent.includes('Kept'), null, { timeout: 240000 });
  measurements.seconds_ensemble_4x1500_epochs = (Date.now() - t0) / 1000;
  const r = await p.evaluate(() => window.adsdl.ensemble());
  assert(r.summary.runs === 4 && r.summary.kept >= 3 && r.summary.with_shape >= 3, JSON.stringify(r.summary).slice(0, 300));
  assert(r.summary.ads_radius.mean > 3.2 && r.summary.ads_radius.mean < 4.4, `L ${r.summary.ads_radius.mean}`);
  assert((await p.locator('#ens-table tbody tr').count()) === 19, 'Table II rows');
  const px = await drawnPixels(p);
  assert(px['chart-ensemble-metric'] > 2000 && px['chart-ensemble-potential'] > 2000, JSON.stringify(px));
  await p.locator('.ensemble').screenshot({ path: join(shots, 'ensemble.png') });
  await p.context().close();
});

// Visible text (and labels a screen reader says) with English words left in: runs of three or
// more Latin letters not in the list of words both languages share (tests/i18n-neutral.json).
async function untranslated(p) {
  const neutral = JSON.parse(readFileSync(join(root, 'tests/i18n-neutral.json'), 'utf8'));
  return p.evaluate((words) => {
    const english = (text) => (text.match(/[A-Za-z]{3,}/g) || []).filter((w) => !words.includes(w));
    const skip = (el) => el.closest('[hidden], script, style, noscript, [translate="no"], [lang]:not(html)')
      || getComputedStyle(el).display === 'none';
    const found = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (!n.parentElement || skip(n.parentElement)) continue;
      if (english(n.textContent).length) found.push(n.textContent.trim().slice(0, 80));
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
      if (skip(el)) continue;
      for (const a of ['aria-label', 'title']) {
        const v = el.getAttribute(a);
        if (v && english(v).length) found.push(`${a}=${v.slice(0, 80)}`);
      }
    }
    return found;
  }, neutral);
}

check('lang=ja: every visible word is Japanese, Japanese glyphs render, the menu and the browser choose the language', async () => {
  const p = await newPage('preset=qcd&seed=1&play=0&lang=ja&tour=1');
  assert((await p.evaluate(() => document.documentElement.lang)) === 'ja', '<html lang="ja">');
  // Train to the metric so the verdict, an event, the wall and the potential all have words.
  await p.evaluate(() => window.adsdl.run(220000));
  await p.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    for (const id of ['record', 'embed', 'cite']) document.getElementById(id).click();
    window.scrollTo(0, document.body.scrollHeight);
  });
  // Descriptions refresh every 5 s, the potential's read-out every 1.5 s.
  await p.waitForTimeout(6500);
  await p.evaluate(() => window.scrollTo(0, 0));
  await p.screenshot({ path: join(shots, 'ja-tour-step.png') });
  const left = await untranslated(p);
  measurements.untranslated_strings_ja = left.length;
  assert(left.length === 0, `${left.length} untranslated: ${left.slice(0, 8).join(' | ')}`);
  // The checker sees English where there is some: the same page in English is full of it.
  const en = await newPage('preset=qcd&seed=1&play=0');
  const english = (await untranslated(en)).length;
  measurements.english_strings_on_en_page = english;
  assert(english > 50, `the English page shows only ${english} English strings to the checker`);
  await axe(p, 'Japanese page');
  // A rejected table is explained in Japanese, with its line and column.
  await p.fill('#data-text', 'm_q,condensate\n0.001,abc\n');
  await p.click('#data-use');
  const refused = await p.textContent('#data-msg');
  assert(refused.includes('2 行目') && refused.includes('数ではありません'), `the refusal: ${refused}`);
  await p.click('#tour-close');
  await p.screenshot({ path: join(shots, 'ja-page.png'), fullPage: true });
  // Glyphs, not boxes: two different kanji draw with ink, and differently (a missing font draws
  // the same empty box for both).
  const glyphs = await p.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 64;
    c.height = 64;
    const g = c.getContext('2d');
    const ink = (ch) => {
      g.clearRect(0, 0, 64, 64);
      g.font = `48px ${getComputedStyle(document.body).fontFamily}`;
      g.fillText(ch, 4, 52);
      return Array.from(g.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3));
    };
    const [a, b] = [ink('計'), ink('量')];
    const diff = a.reduce((n, v, i) => n + (Math.abs(v - b[i]) > 64 ? 1 : 0), 0);
    return { inkA: a.filter((v) => v > 64).length, inkB: b.filter((v) => v > 64).length, diff };
  });
  assert(glyphs.inkA > 60 && glyphs.inkB > 60 && glyphs.diff > 60, `kanji do not render as glyphs: ${JSON.stringify(glyphs)}`);
  // The language menu: the page, the engine's words and the link change at once.
  await en.selectOption('#lang', 'ja');
  await en.waitForFunction(() => document.getElementById('play').textContent.includes('再生'));
  const ja = await en.evaluate(() => ({ url: location.search, lang: document.documentElement.lang, verdict: document.getElementById('k-verdict').textContent, control: document.querySelector('#settings label').textContent }));
  assert(ja.url.includes('lang=ja') && ja.lang === 'ja', `menu → ja: ${JSON.stringify(ja)}`);
  assert(/[\u3040-\u30ff\u4e00-\u9fff]/.test(ja.verdict + ja.control), `the engine's words stay English: ${JSON.stringify(ja)}`);
  await en.selectOption('#lang', 'en');
  await en.waitForFunction(() => document.getElementById('play').textContent.includes('Play'));
  assert(!(await en.evaluate(() => location.search)).includes('lang='), 'English is the default: no lang= in the link');
  // No lang= in the link: the browser's language decides, and the link then carries it.
  const browserJa = await newPage('preset=qcd&seed=1&play=0', { locale: 'ja-JP' });
  const b = await browserJa.evaluate(() => ({ play: document.getElementById('play').textContent, url: location.search }));
  assert(b.play.includes('再生') && b.url.includes('lang=ja'), `a Japanese browser: ${JSON.stringify(b)}`);
  for (const x of [p, en, browserJa]) await x.context().close();
});

check('in-page QCD epoch time is close to native', async () => {
  // Nothing else trains meanwhile (the page's own worker is paused), and page and native are
  // timed alternately, three rounds, the median ratio kept: this 2-core machine's speed swings
  // within a minute, and one pair alone once read 3.1 for a build that reads 2.1–2.9.
  await page.evaluate(() => window.adsdl.setPlaying(false));
  await page.evaluate(() => window.adsdl.idle());
  const rounds = [];
  for (let i = 0; i < 3; i++) {
    const msPage = await page.evaluate(() => window.adsdl.bench(20));
    const native = execFileSync(cli, ['bench', '--epochs', '20']).toString();
    const msNative = Number(/median ([0-9.]+) ms\/epoch/.exec(native)[1]);
    rounds.push({ msPage, msNative, ratio: msPage / msNative });
  }
  rounds.sort((a, b) => a.ratio - b.ratio);
  const { msPage, msNative } = rounds[1];
  measurements.ms_per_qcd_epoch_page = Number(msPage.toFixed(3));
  measurements.ms_per_qcd_epoch_native = msNative;
  measurements.page_over_native = Number((msPage / msNative).toFixed(2));
  measurements.page_over_native_rounds = rounds.map((r) => Number(r.ratio.toFixed(2)));
  // A guard against a lost kernel (wasm without SIMD runs ≈ 2× slower), not the issue's 1.3.
  assert(msPage / msNative < 3, `page ${msPage} ms vs native ${msNative} ms`);
});

check('wasm + JS are small (gzipped)', async () => {
  const files = ['pkg/adsdl_bg.wasm', 'pkg/adsdl.js', 'app.js', 'worker.js', 'train-worker.js', 'trainer-loop.js', 'tour.js', 'recorder.js', 'inverse.js', 'i18n.js', 'i18n/en.json'].map((f) => `dist/${buildDir(root)}/${f}`);
  const bytes = files.reduce((n, f) => n + gzipSync(readFileSync(join(root, f)), { level: 9 }).length, 0);
  measurements.gzipped_wasm_js_bytes = bytes;
  // 400 kB until "from the potential to the bulk" (issue 21) added ~40 kB: the inversion, its
  // fit and its two charts; 440 kB until the model seam (issue 28: θ by named block in sessions,
  // snapshots and model files, and the version-1 reader): 455 305 bytes measured after it, of
  // which model files v2 alone 5 482 (449 823 before them); 450 kB until the seam's second step
  // (System/ProbeSystem, the generic input table, ensemble runs by block name): 461 917 bytes
  // measured after it, the wasm 4 459 bytes larger (the mesons themselves, 14 kB, are left out
  // of the page's build until it draws them). Issue 33 is to win size back.
  assert(bytes < 455 * 1024, `${bytes} bytes`);
});

check('no request left the folder, no page errors, a silent console (no CSP violation)', async () => {
  assert(outside.length === 0, `outside requests: ${outside.join(', ')}`);
  assert(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
  const shown = [...new Set(consoleErrors)].slice(0, 5).join(' | ');
  assert(consoleErrors.length === 0, `${consoleErrors.length} console errors: ${shown}`);
});

let passed = 0;
let failed = 0;
// E2E_ONLY=text runs the checks whose name contains it (while working on one). Later checks
// share the page the first opens and the second sets training: a selection without them runs
// those two first, unreported, so that any check works alone.
const only = process.env.E2E_ONLY;
const chosen = checks.filter((c) => !only || c.name.includes(only));
if (only && !chosen.includes(checks[0])) {
  for (const { name, fn } of checks.slice(0, 3).filter((c) => !chosen.includes(c))) {
    if (name.startsWith('words at first paint')) continue;
    await fn();
  }
}
for (const { name, fn } of chosen) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n     ${e.message}`);
  }
}
await browser.close();
server.kill();
writeFileSync(join(shots, 'measurements.json'), JSON.stringify(measurements, null, 2));
console.log('measurements:', JSON.stringify(measurements));
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
