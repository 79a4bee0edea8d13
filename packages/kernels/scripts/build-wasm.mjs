// Compiles assembly/index.ts with AssemblyScript into the four .wasm variants the loader chooses from:
// plain SIMD or relaxed SIMD, each with a private or a shared (threaded) imported memory.
// usage: node scripts/build-wasm.mjs [--if-missing]   (--if-missing: skip when outputs are newer than sources)
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'build');
// 65536 pages = 4 GiB, the wasm32 limit. A shared memory must declare a maximum; V8 reserves the
// address space up front but commits pages only as the memory grows.
const MAX_PAGES = '65536';
const COMMON = [
  'assembly/index.ts',
  '-O3',
  '--runtime',
  'stub',
  '--noAssert',
  '--importMemory',
  '--initialMemory',
  '1',
];
const THREADS = ['--enable', 'threads', '--sharedMemory', '--maximumMemory', MAX_PAGES];
export const VARIANTS = {
  'kernels-simd.wasm': ['--enable', 'simd'],
  'kernels-relaxed.wasm': ['--enable', 'simd', '--enable', 'relaxed-simd'],
  'kernels-simd-mt.wasm': ['--enable', 'simd', ...THREADS],
  'kernels-relaxed-mt.wasm': ['--enable', 'simd', '--enable', 'relaxed-simd', ...THREADS],
};

function newestSource() {
  const dir = join(root, 'assembly');
  const times = readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs);
  return Math.max(statSync(fileURLToPath(import.meta.url)).mtimeMs, ...times);
}

function upToDate() {
  const src = newestSource();
  return Object.keys(VARIANTS).every((name) => {
    try {
      return statSync(join(outDir, name)).mtimeMs >= src;
    } catch {
      return false;
    }
  });
}

if (process.argv.includes('--if-missing') && upToDate()) process.exit(0);
let asc;
try {
  asc = (await import('assemblyscript/asc')).default;
} catch (e) {
  console.error(
    `build-wasm: cannot load the AssemblyScript compiler (${e.message}).\n` +
      'It is a build-time dependency of @minidl/kernels: install assemblyscript@0.28.20 (npm i -D assemblyscript@0.28.20).',
  );
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
process.chdir(root); // asc resolves the entry file and its imports against the working directory
const started = performance.now();
const results = await Promise.all(
  Object.entries(VARIANTS).map(async ([name, flags]) => {
    const args = [...COMMON, ...flags, '--outFile', join(outDir, name)];
    let log = '';
    const stream = { write: (s) => (log += s) };
    const { error } = await asc.main(args, { stdout: stream, stderr: stream });
    return { name, error, log };
  }),
);
for (const { name, error, log } of results) {
  if (error) {
    process.stderr.write(log);
    console.error(`build-wasm: ${name} failed: ${error.message}`);
    process.exit(1);
  }
}
console.log(
  `build-wasm: ${Object.keys(VARIANTS).length} variants in ${((performance.now() - started) / 1000).toFixed(1)} s -> build/`,
);
