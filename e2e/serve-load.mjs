// Load benchmark of `adsdl serve` (not part of the test command): C clients at once, each sending N
// requests one after another over keep-alive connections, for the page's own files in the built
// folder (HTML, scripts, the wasm, gzip where taken). Prints errors and requests per second.
// Usage: node e2e/serve-load.mjs [--clients 50] [--requests 300] [--dir dist] [--bin target/release/adsdl]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { arg } from './args.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const clients = Number(arg('clients', 50));
const requests = Number(arg('requests', 300));
const dir = arg('dir', join(root, 'dist'));
const port = 8771;
const bin = arg('bin', join(root, 'target/release/adsdl'));

const files = [];
const walk = (d) => {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (!name.endsWith('.gz') && !name.startsWith('.')) files.push('/' + relative(dir, p));
  }
};
walk(dir);

const server = spawn(bin, ['serve', '--dir', dir, '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
await new Promise((resolve) => server.stderr.once('data', resolve));
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const get = (path) => new Promise((resolve) => {
  const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
    let bytes = 0;
    res.on('data', (c) => { bytes += c.length; });
    res.on('end', () => resolve(res.statusCode === 200 ? bytes : -1));
  });
  req.on('error', () => resolve(-1));
});

let errors = 0;
let bytes = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: clients }, async (_, c) => {
  for (let i = 0; i < requests; i++) {
    const n = await get(files[(c * 7 + i) % files.length]);
    if (n < 0) errors++; else bytes += n;
  }
}));
const secs = (performance.now() - t0) / 1000;
server.kill();
agent.destroy();
const total = clients * requests;
console.log(`${clients} × ${requests} = ${total} requests over ${files.length} files: ${errors} errors, ${(total / secs).toFixed(0)} requests/s, ${(bytes / secs / 1e6).toFixed(1)} MB/s (${secs.toFixed(2)} s)`);
process.exit(errors ? 1 : 0);
