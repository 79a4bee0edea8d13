import { describe, expect, it } from 'vitest';
import { DEFAULTS, helpText, isSchemeModulePath, OPTION_DOCS, parseOptions, SCHEMES } from './options.js';

describe('parseOptions', () => {
  it('falls back to the tutorial defaults', () => {
    const options = parseOptions([]);
    expect(options.lr).toBe(0.0002);
    expect(options.batchSize).toBe(16);
    expect(options.optimizer).toBe('sgd');
    expect(options.model).toBe('tutorial-cnn');
    expect(options.data).toBeNull();
    expect(options.schemes).toEqual(['small-normal', 'xavier', 'kaiming']);
    expect(options).toEqual(DEFAULTS);
  });

  it('reads schemes, seed counts and seed lists', () => {
    const options = parseOptions(['--schemes', 'small-normal,kaiming', '--seeds', '3', '--epochs', '2']);
    expect(options.schemes).toEqual(['small-normal', 'kaiming']);
    expect(options.seeds).toEqual([0, 1, 2]);
    expect(options.epochs).toBe(2);
    expect(parseOptions(['--seeds', '4,7']).seeds).toEqual([4, 7]);
  });

  it('reads every other option', () => {
    const o = parseOptions([
      '--batch-size=64',
      '--lr',
      '0.01',
      '--optimizer',
      'adam',
      '--data',
      'mnist/',
      '--threads',
      '1',
      '--model',
      'deep-mlp',
      '--depth',
      '30',
      '--width',
      '128',
      '--reference',
      'ref.json',
      '--out',
      'o',
      '--log-every',
      '10',
    ]);
    expect(o).toMatchObject({
      batchSize: 64,
      lr: 0.01,
      optimizer: 'adam',
      data: 'mnist/',
      threads: 1,
      model: 'deep-mlp',
      depth: 30,
      width: 128,
      reference: 'ref.json',
      out: 'o',
      logEvery: 10,
    });
    expect(parseOptions(['-h']).help).toBe(true);
  });

  it('accepts scheme module paths beside built-in names', () => {
    expect(parseOptions(['--schemes', 'kaiming,./mine.mjs']).schemes).toEqual(['kaiming', './mine.mjs']);
    expect(isSchemeModulePath('mine.mjs')).toBe(true);
    expect(isSchemeModulePath('kaiming')).toBe(false);
  });

  it('rejects unknown schemes and options and bad values, saying what is valid', () => {
    expect(() => parseOptions(['--schemes', 'he'])).toThrow(
      /unknown scheme 'he'; valid schemes: small-normal, xavier/,
    );
    expect(() => parseOptions(['--bogus'])).toThrow(/bogus[\s\S]*valid options: --schemes, --seeds/);
    expect(() => parseOptions(['--epochs', '0'])).toThrow(
      "--epochs expects an integer from 1 to 1000, got '0'",
    );
    expect(() => parseOptions(['--epochs', '1.5'])).toThrow(/--epochs/);
    expect(() => parseOptions(['--lr=-1'])).toThrow("--lr expects a number with 0 < lr <= 10, got '-1'");
    expect(() => parseOptions(['--lr', 'abc'])).toThrow(/--lr/);
    expect(() => parseOptions(['--optimizer', 'rmsprop'])).toThrow(
      "--optimizer: unknown value 'rmsprop'; valid: sgd, adam",
    );
    expect(() => parseOptions(['--model', 'resnet'])).toThrow('valid: tutorial-cnn, deep-mlp');
    expect(() => parseOptions(['--depth', '1'])).toThrow('from 2 to 200');
    expect(() => parseOptions(['--seeds', '1,1'])).toThrow('twice');
    expect(() => parseOptions(['--schemes', 'kaiming,kaiming'])).toThrow('twice');
    expect(() => parseOptions(['--seeds', '1,-2'])).toThrow(/'-2'/);
    expect(() => parseOptions(['stray'])).toThrow(/unexpected argument 'stray'/);
  });
});

describe('helpText', () => {
  it('lists every option with its default and every scheme with its description', () => {
    const text = helpText({ kaiming: 'KAIMING-DESCRIPTION' });
    for (const doc of OPTION_DOCS) expect(text).toContain(`--${doc.name}`);
    for (const scheme of SCHEMES) expect(text).toContain(scheme);
    expect(text).toContain('[default: 0.0002]');
    expect(text).toContain('KAIMING-DESCRIPTION');
  });
});
