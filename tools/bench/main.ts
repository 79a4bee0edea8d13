/**
 * Benchmark dispatcher: `npm run bench -- <name> [args]` runs `tools/bench/<name>.ts` with the
 * remaining arguments, resolving workspace packages from source (`--conditions=@minidl/source`),
 * after building the kernels' wasm if it is missing or stale.
 *
 *   npm run bench -- kernels --json
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'main.ts')
  .map((f) => f.slice(0, -3));

if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [args]\n  names: ${available.join(', ')}`);
  process.exit(name ? 1 : 0);
}

const buildWasm = join(root, 'packages', 'kernels', 'scripts', 'build-wasm.mjs');
if (existsSync(buildWasm)) {
  const built = spawnSync(process.execPath, [buildWasm, '--if-missing'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const run = spawnSync(
  process.execPath,
  ['--conditions=@minidl/source', '--import', 'tsx', join(here, `${name}.ts`), ...args],
  { stdio: 'inherit', cwd: root },
);
process.exit(run.status ?? 1);
