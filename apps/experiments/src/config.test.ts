import { describe, expect, it } from 'vitest';
import { canonicalJson, configDifferences, configHash, libraryVersions, runConfigOf } from './config.js';
import { parseOptions } from './options.js';

describe('configuration hash', () => {
  it('ignores key order, schemes, seeds and threads but not anything that changes the numbers', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    const base = configHash(runConfigOf(parseOptions([])));
    expect(
      configHash(runConfigOf(parseOptions(['--schemes', 'zeros', '--seeds', '5', '--threads', '1']))),
    ).toBe(base);
    expect(configHash(runConfigOf(parseOptions(['--lr', '0.001'])))).not.toBe(base);
    expect(configHash(runConfigOf(parseOptions(['--epochs', '4'])))).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{10}$/);
  });

  it('records depth and width only for the deep MLP', () => {
    expect(runConfigOf(parseOptions([])).depth).toBeUndefined();
    expect(runConfigOf(parseOptions(['--model', 'deep-mlp', '--depth', '7']))).toMatchObject({
      depth: 7,
      width: 256,
    });
  });

  it('lists differences', () => {
    const a = runConfigOf(parseOptions([]));
    expect(configDifferences(a, { ...a, batch_size: 64, epochs: 9 })).toEqual([
      'batch_size: 16 there, 64 now',
      'epochs: 5 there, 9 now',
    ]);
  });

  it('finds the workspace package versions', () => {
    const v = libraryVersions(2);
    expect(v.packages['@minidl/tensor']).toMatch(/^\d+\.\d+\.\d+/);
    expect(v.threads).toBe(2);
  });
});
