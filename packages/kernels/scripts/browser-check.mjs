// Loads the built package (dist/ + build/) in headless Chromium and runs a few kernels, once on a
// plain page (no SharedArrayBuffer: one thread) and once on a cross-origin-isolated page (COOP/COEP
// headers: Web Worker threads). Prints what each page reported; exits 1 on a wrong result.
// usage (after `npm run build`): node scripts/browser-check.mjs [path-to-chromium]
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const executablePath = process.argv[2] ?? '/usr/bin/chromium';
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm' };
const page = `<script type="module">
import { loadKernelsAsync } from '/dist/index.js';
try {
  const k = await loadKernelsAsync();
  const n = 256;
  const a = k.alloc(4 * n * n);
  const c = k.alloc(4 * n * n);
  k.f32(a, n * n).fill(1);
  k.sgemm(false, false, n, n, n, 1, a, n, a, n, 0, c, n);
  const p = k.alloc(16);
  k.f32(p, 4).set([1, 4, 9, 16]);
  k.unary('sqrt', p, p, 4);
  // a tutorial-sized 3x3 conv through Winograd (split over the workers where there are any) must
  // agree with the implicit GEMM path
  const xs = [2, 16, 14, 14];
  const ws = [32, 16, 3, 3];
  const x = k.alloc(4 * 2 * 16 * 14 * 14);
  const w = k.alloc(4 * 32 * 16 * 9);
  const y1 = k.alloc(4 * 2 * 32 * 14 * 14);
  const y2 = k.alloc(4 * 2 * 32 * 14 * 14);
  k.f32(x, 2 * 16 * 14 * 14).forEach((_, i, v) => { v[i] = Math.sin(i); });
  k.f32(w, 32 * 16 * 9).forEach((_, i, v) => { v[i] = Math.cos(i) * 0.1; });
  const algorithm = k.convAlgorithm('forward', xs, ws, { padding: 1 });
  k.conv2dForward(x, xs, w, ws, 0, y1, { padding: 1 });
  k.winograd = 'never';
  k.conv2dForward(x, xs, w, ws, 0, y2, { padding: 1 });
  const a1 = k.readF32(y1, 2 * 32 * 14 * 14);
  const a2 = k.readF32(y2, 2 * 32 * 14 * 14);
  const convOk = algorithm === 'winograd' && a1.every((v, i) => Math.abs(v - a2[i]) <= 1e-4 * (1 + Math.abs(a2[i])));
  const ok = k.f32(c, n * n).every((v) => v === n) && k.readF32(p, 4).join() === '1,2,3,4' && convOk;
  document.title = JSON.stringify({ ok, variant: k.variant, threads: k.threads, isolated: crossOriginIsolated });
} catch (e) {
  document.title = JSON.stringify({ ok: false, error: String(e) });
}
</script>`;

function serve(isolated) {
  const headers = isolated
    ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
    : {};
  return createServer(async (req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html', ...headers });
      res.end(page);
      return;
    }
    try {
      const body = await readFile(join(root, normalize(req.url ?? '/').replace(/^(\.\.[/\\])+/, '')));
      res.writeHead(200, {
        'content-type': types[extname(req.url ?? '')] ?? 'application/octet-stream',
        ...headers,
      });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  }).listen(0);
}

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
let failed = false;
for (const isolated of [false, true]) {
  const server = serve(isolated);
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${server.address().port}/`);
  await tab.waitForFunction(() => document.title !== '', null, { timeout: 60000 });
  const result = JSON.parse(await tab.title());
  console.log(isolated ? 'cross-origin isolated:' : 'plain page:', result);
  failed ||= !result.ok || (isolated && result.threads < 2);
  server.close();
}
await browser.close();
process.exit(failed ? 1 : 0);
