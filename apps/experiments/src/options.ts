/**
 * Command-line options of the experiments app, validated up front so that a typo fails in the
 * first second with a message listing what is valid, not after an hour of training.
 */
import { parseArgs } from 'node:util';

/** The initialisation schemes the app knows, in the order reports list them. */
export const SCHEMES = [
  'small-normal',
  'xavier',
  'kaiming',
  'pytorch-default',
  'xavier-uniform',
  'kaiming-uniform',
  'kaiming-fan-out',
  'orthogonal',
  'lecun-normal',
  'uniform01',
  'zeros',
] as const;

export type SchemeName = (typeof SCHEMES)[number];

/** A fully validated configuration of one invocation. */
export interface ExperimentOptions {
  schemes: SchemeName[];
  seeds: number[];
  epochs: number;
  batchSize: number;
  lr: number;
}

/** Defaults follow the tutorial's training code: plain SGD, lr 0.0002, batch 16. */
export const DEFAULTS = {
  schemes: ['small-normal', 'xavier', 'kaiming'] as SchemeName[],
  seeds: [0],
  epochs: 1,
  batchSize: 16,
  lr: 0.0002,
};

/** Raised for bad command-line input; the CLI prints its message and exits non-zero. */
export class UsageError extends Error {}

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError(`--${name} expects a positive integer, got '${text}'`);
  }
  return value;
}

function parseSchemes(text: string): SchemeName[] {
  const names = text.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(SCHEMES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown scheme '${name}'; valid schemes: ${SCHEMES.join(', ')}`);
    }
  }
  return names as SchemeName[];
}

/** `--seeds 3` means seeds 0, 1, 2; `--seeds 4,7` means exactly those seeds. */
function parseSeeds(text: string): number[] {
  if (text.includes(',')) {
    return text.split(',').map((s) => {
      const seed = Number(s);
      if (!Number.isInteger(seed) || seed < 0)
        throw new UsageError(`--seeds: '${s}' is not a non-negative integer`);
      return seed;
    });
  }
  const count = positiveInteger('seeds', text);
  return Array.from({ length: count }, (_, i) => i);
}

/**
 * Parses and validates argv (without the node and script entries).
 *
 * @example
 * ```ts
 * parseOptions(['--schemes', 'xavier,kaiming', '--epochs', '2']).schemes; // ['xavier', 'kaiming']
 * ```
 */
export function parseOptions(argv: string[]): ExperimentOptions {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        schemes: { type: 'string' },
        seeds: { type: 'string' },
        epochs: { type: 'string' },
        'batch-size': { type: 'string' },
        lr: { type: 'string' },
      },
      strict: true,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const lr = values.lr === undefined ? DEFAULTS.lr : Number(values.lr);
  if (!(lr > 0) || !Number.isFinite(lr))
    throw new UsageError(`--lr expects a positive number, got '${values.lr}'`);
  return {
    schemes: values.schemes === undefined ? DEFAULTS.schemes : parseSchemes(values.schemes),
    seeds: values.seeds === undefined ? DEFAULTS.seeds : parseSeeds(values.seeds),
    epochs: values.epochs === undefined ? DEFAULTS.epochs : positiveInteger('epochs', values.epochs),
    batchSize:
      values['batch-size'] === undefined
        ? DEFAULTS.batchSize
        : positiveInteger('batch-size', values['batch-size']),
    lr,
  };
}
