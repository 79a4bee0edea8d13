import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectWasmFeatures } from './features.js';

/** Runs the detector in a fresh Node process with the given V8 flags. */
function detectIn(flags: string[]): { simd: boolean; relaxedSimd: boolean } {
  const script = fileURLToPath(new URL('./features.ts', import.meta.url));
  const code = `import('${script}').then((m) => console.log(JSON.stringify(m.detectWasmFeatures())))`;
  const result = spawnSync(process.execPath, [...flags, '--import', 'tsx', '-e', code], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

describe('detectWasmFeatures', () => {
  it('finds SIMD, which every supported Node has', () => {
    expect(detectWasmFeatures().simd).toBe(true);
  });

  it('sees relaxed SIMD exactly when V8 enables it', () => {
    expect(detectIn(['--experimental-wasm-relaxed-simd']).relaxedSimd).toBe(true);
    // Node 20 ships it disabled; from Node 22 it is on by default.
    const major = Number(process.versions.node.split('.')[0]);
    expect(detectIn([]).relaxedSimd).toBe(major >= 22);
  });
});
