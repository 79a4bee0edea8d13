import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseOptions } from './options.js';

describe('parseOptions', () => {
  it('falls back to the tutorial defaults', () => {
    const options = parseOptions([]);
    expect(options.lr).toBe(0.0002);
    expect(options.batchSize).toBe(16);
    expect(options.schemes).toEqual(DEFAULTS.schemes);
  });

  it('reads schemes, seed counts and seed lists', () => {
    const options = parseOptions(['--schemes', 'small-normal,kaiming', '--seeds', '3', '--epochs', '2']);
    expect(options.schemes).toEqual(['small-normal', 'kaiming']);
    expect(options.seeds).toEqual([0, 1, 2]);
    expect(options.epochs).toBe(2);
    expect(parseOptions(['--seeds', '4,7']).seeds).toEqual([4, 7]);
  });

  it('rejects unknown schemes and options and bad numbers, saying what is valid', () => {
    expect(() => parseOptions(['--schemes', 'he'])).toThrow(
      /unknown scheme 'he'; valid schemes: small-normal, xavier/,
    );
    expect(() => parseOptions(['--bogus'])).toThrow(/bogus/);
    expect(() => parseOptions(['--epochs', '0'])).toThrow("--epochs expects a positive integer, got '0'");
    expect(() => parseOptions(['--lr=-1'])).toThrow("--lr expects a positive number, got '-1'");
  });
});
