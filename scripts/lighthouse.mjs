// The first seconds on a phone, as Lighthouse 12.2.3 measures them in its mobile profile
// (simulated slow 4G and a 4× slower CPU) against the built page served by `adsdl serve`:
// three runs, their medians printed and written to target/lighthouse.json, and a failure when a
// median misses its bound. Part of the test command; needs a built dist/.
//
//   node scripts/lighthouse.mjs [--runs N] [--query 'preset=qcd&seed=1']
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(arg('--runs', '3'));
const query = arg('--query', 'preset=qcd&seed=1');
// web.dev's "good" thresholds, and the 0.05 for layout shift.
const BOUNDS = [
  ['performance', 'Performance score', (v) => v >= 90],
  ['accessibility', 'Accessibility score', (v) => v === 100],
  ['best-practices', 'Best practices score', (v) => v >= 90],
  ['seo', 'SEO score', (v) => v >= 90],
  ['lcp_s', 'Largest Contentful Paint [s]', (v) => v <= 2.5],
  ['tbt_ms', 'Total Blocking Time [ms]', (v) => v <= 200],
  ['cls', 'Cumulative Layout Shift', (v) => v <= 0.05],
  ['fcp_s', 'First Contentful Paint [s]', () => true],
];

const freePort = () => new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});
const port = await freePort();
const server = spawn(join(root, 'target/release/adsdl'), ['serve', '--dir', join(root, 'dist'), '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
await new Promise((resolve) => server.stderr.once('data', resolve));
const url = `http://127.0.0.1:${port}/?${query}`;
const bin = join(root, 'tools/lighthouse/node_modules/.bin/lighthouse');
const out = join(root, 'target/lighthouse');
mkdirSync(out, { recursive: true });

const results = [];
try {
  for (let i = 0; i < runs; i++) {
    const file = join(out, `run-${i + 1}.json`);
    await new Promise((resolve, reject) => execFile(bin, [
      url, '--quiet', '--output=json', `--output-path=${file}`,
      '--only-categories=performance,accessibility,best-practices,seo',
      '--chrome-flags=--headless=new --no-sandbox --disable-gpu',
    ], { env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' }, timeout: 180000 }, (e) => (e ? reject(e) : resolve())));
    const r = JSON.parse(readFileSync(file, 'utf8'));
    if (r.runtimeError) throw new Error(`Lighthouse: ${r.runtimeError.code} ${r.runtimeError.message}`);
    const score = (k) => Math.round(r.categories[k].score * 100);
    const audit = (k) => r.audits[k].numericValue;
    results.push({
      performance: score('performance'),
      accessibility: score('accessibility'),
      'best-practices': score('best-practices'),
      seo: score('seo'),
      lcp_s: audit('largest-contentful-paint') / 1000,
      tbt_ms: audit('total-blocking-time'),
      cls: audit('cumulative-layout-shift'),
      fcp_s: audit('first-contentful-paint') / 1000,
    });
  }
} finally {
  server.kill();
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = Object.fromEntries(BOUNDS.map(([k]) => [k, median(results.map((r) => r[k]))]));
writeFileSync(join(root, 'target/lighthouse.json'), JSON.stringify({ url: `/?${query}`, lighthouse: '12.2.3', runs: results, median: summary }, null, 2));
let failed = 0;
console.log(`Lighthouse 12.2.3, mobile, ${url} — median of ${runs}:`);
for (const [k, label, ok] of BOUNDS) {
  const good = ok(summary[k]);
  if (!good) failed++;
  const v = summary[k];
  const shown = k === 'cls' ? v.toFixed(4) : k.endsWith('_s') ? v.toFixed(2) : Math.round(v);
  console.log(`  ${good ? 'ok  ' : 'MISS'} ${label}: ${shown}   (runs: ${results.map((r) => (k === 'cls' ? r[k].toFixed(4) : k.endsWith('_s') ? r[k].toFixed(2) : Math.round(r[k]))).join(', ')})`);
}
process.exit(failed ? 1 : 0);
