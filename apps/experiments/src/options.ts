/**
 * Command-line options of the experiments app, validated up front so that a typo fails in the
 * first second with a message listing what is valid, not after an hour of training.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

/** The built-in initialisation schemes, in the order reports list them. */
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

/** Models the app can train. */
export const MODELS = ['tutorial-cnn', 'deep-mlp'] as const;
export type ModelName = (typeof MODELS)[number];

/** Optimizers, with the tutorial's plain SGD first. */
export const OPTIMIZERS = ['sgd', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** A fully validated configuration of one invocation. */
export interface ExperimentOptions {
  /** Built-in scheme names, or paths of user scheme modules (anything containing '/' or ending in .js/.mjs/.ts). */
  schemes: string[];
  seeds: number[];
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName;
  /** A folder of MNIST IDX files, or null for the embedded 10,000-digit set split 80/20. */
  data: string | null;
  threads: number;
  model: ModelName;
  /** Number of Linear layers of the deep MLP (ignored by the CNN). */
  depth: number;
  /** Hidden width of the deep MLP (ignored by the CNN). */
  width: number;
  /** A reference JSON written by tools/reference/run_reference.py, overlaid in the report. */
  reference: string | null;
  /** Output folder, or null for results/<model>-<hash of the training configuration>. */
  out: string | null;
  /** Training loss and accuracy are averaged and recorded every this many steps. */
  logEvery: number;
  help: boolean;
}

/**
 * Defaults follow the tutorial's training code (cross-entropy, plain SGD, lr 0.0002, batch 16, no
 * input normalisation). Epochs and seeds are sized so that the default run of the three tutorial
 * schemes takes about ten minutes on a 2-core machine; see the README for the measured time.
 */
export const DEFAULTS: ExperimentOptions = {
  schemes: ['small-normal', 'xavier', 'kaiming'],
  seeds: [0, 1, 2],
  epochs: 5,
  batchSize: 16,
  lr: 0.0002,
  optimizer: 'sgd',
  data: null,
  threads: availableParallelism(),
  model: 'tutorial-cnn',
  depth: 30,
  width: 256,
  reference: null,
  out: null,
  logEvery: 25,
  help: false,
};

/** Raised for bad command-line input; the CLI prints its message and exits non-zero. */
export class UsageError extends Error {}

interface OptionDoc {
  name: string;
  value?: string;
  text: string;
  default?: string;
}

/** One line of `--help` per option; also the list of valid option names in error messages. */
export const OPTION_DOCS: OptionDoc[] = [
  {
    name: 'schemes',
    value: 'A,B,..',
    text: 'init schemes (see below) or paths of scheme modules',
    default: DEFAULTS.schemes.join(','),
  },
  {
    name: 'seeds',
    value: 'N|A,B,..',
    text: 'a count (seeds 0..N-1) or a list of seeds',
    default: String(DEFAULTS.seeds.length),
  },
  { name: 'epochs', value: 'N', text: 'training epochs per run (1-1000)', default: String(DEFAULTS.epochs) },
  { name: 'batch-size', value: 'N', text: 'mini-batch size (1-65536)', default: String(DEFAULTS.batchSize) },
  { name: 'lr', value: 'X', text: 'learning rate (0 < lr <= 10)', default: String(DEFAULTS.lr) },
  { name: 'optimizer', value: 'NAME', text: `one of ${OPTIMIZERS.join(', ')}`, default: DEFAULTS.optimizer },
  {
    name: 'data',
    value: 'DIR',
    text: 'folder of MNIST IDX files (train-images-idx3-ubyte[.gz], ...)',
    default: 'embedded 10,000 digits, split 80/20',
  },
  { name: 'threads', value: 'N', text: 'compute threads (1-64)', default: String(DEFAULTS.threads) },
  { name: 'model', value: 'NAME', text: `one of ${MODELS.join(', ')}`, default: DEFAULTS.model },
  { name: 'depth', value: 'N', text: 'Linear layers of deep-mlp (2-200)', default: String(DEFAULTS.depth) },
  { name: 'width', value: 'N', text: 'hidden width of deep-mlp (1-4096)', default: String(DEFAULTS.width) },
  {
    name: 'reference',
    value: 'FILE',
    text: 'PyTorch reference JSON (tools/reference/run_reference.py) to overlay',
  },
  { name: 'out', value: 'DIR', text: 'output folder', default: 'results/<model>-<config hash>' },
  {
    name: 'log-every',
    value: 'N',
    text: 'record the training loss every N steps (1-100000)',
    default: String(DEFAULTS.logEvery),
  },
  { name: 'help', text: 'show this help' },
];

function positiveInteger(name: string, text: string, max: number, min = 1): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} expects an integer from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

function oneOf<T extends string>(name: string, text: string, valid: readonly T[]): T {
  if (!(valid as readonly string[]).includes(text)) {
    throw new UsageError(`--${name}: unknown value '${text}'; valid: ${valid.join(', ')}`);
  }
  return text as T;
}

/** True when a --schemes entry names a module file rather than a built-in scheme. */
export function isSchemeModulePath(entry: string): boolean {
  return entry.includes('/') || /\.(c|m)?(j|t)s$/.test(entry);
}

function parseSchemes(text: string): string[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new UsageError(`--schemes is empty; valid schemes: ${SCHEMES.join(', ')}`);
  for (const name of names) {
    if (!isSchemeModulePath(name) && !(SCHEMES as readonly string[]).includes(name)) {
      throw new UsageError(
        `unknown scheme '${name}'; valid schemes: ${SCHEMES.join(', ')} (or a path to a scheme module, e.g. ./my-scheme.mjs)`,
      );
    }
  }
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new UsageError(`--schemes lists '${duplicate}' twice`);
  return names;
}

/** `--seeds 3` means seeds 0, 1, 2; `--seeds 4,7` means exactly those seeds. */
function parseSeeds(text: string): number[] {
  if (text.includes(',')) {
    const seeds = text.split(',').map((s) => {
      const seed = Number(s);
      if (s.trim() === '' || !Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
        throw new UsageError(`--seeds: '${s}' is not an integer from 0 to 4294967295`);
      return seed;
    });
    const duplicate = seeds.find((n, i) => seeds.indexOf(n) !== i);
    if (duplicate !== undefined) throw new UsageError(`--seeds lists ${duplicate} twice`);
    return seeds;
  }
  const count = positiveInteger('seeds', text, 100);
  return Array.from({ length: count }, (_, i) => i);
}

function parsePositiveNumber(name: string, text: string, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !(value > 0) || value > max) {
    throw new UsageError(`--${name} expects a number with 0 < ${name} <= ${max}, got '${text}'`);
  }
  return value;
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
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
    for (const doc of OPTION_DOCS)
      options[doc.name] = { type: doc.value === undefined ? 'boolean' : 'string' };
    options.help = { type: 'boolean', short: 'h' };
    ({ values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true }));
  } catch (error) {
    const valid = OPTION_DOCS.map((d) => `--${d.name}`).join(', ');
    throw new UsageError(`${(error as Error).message}\nvalid options: ${valid}`);
  }
  if (positionals.length > 0) {
    throw new UsageError(
      `unexpected argument '${positionals[0]}'; options take the form --name value (see --help)`,
    );
  }
  const text = (name: string) => values[name] as string | undefined;
  const get = <T>(name: string, fallback: T, parse: (s: string) => T): T => {
    const v = text(name);
    return v === undefined ? fallback : parse(v);
  };
  return {
    schemes: get('schemes', DEFAULTS.schemes, parseSchemes),
    seeds: get('seeds', DEFAULTS.seeds, parseSeeds),
    epochs: get('epochs', DEFAULTS.epochs, (s) => positiveInteger('epochs', s, 1000)),
    batchSize: get('batch-size', DEFAULTS.batchSize, (s) => positiveInteger('batch-size', s, 65536)),
    lr: get('lr', DEFAULTS.lr, (s) => parsePositiveNumber('lr', s, 10)),
    optimizer: get('optimizer', DEFAULTS.optimizer, (s) => oneOf('optimizer', s, OPTIMIZERS)),
    data: get('data', DEFAULTS.data, (s) => s),
    threads: get('threads', DEFAULTS.threads, (s) => positiveInteger('threads', s, 64)),
    model: get('model', DEFAULTS.model, (s) => oneOf('model', s, MODELS)),
    depth: get('depth', DEFAULTS.depth, (s) => positiveInteger('depth', s, 200, 2)),
    width: get('width', DEFAULTS.width, (s) => positiveInteger('width', s, 4096)),
    reference: get('reference', DEFAULTS.reference, (s) => s),
    out: get('out', DEFAULTS.out, (s) => s),
    logEvery: get('log-every', DEFAULTS.logEvery, (s) => positiveInteger('log-every', s, 100000)),
    help: values.help === true,
  };
}

/**
 * The `--help` text: usage, every option with its default, and the schemes with one line each.
 *
 * @example
 * ```ts
 * console.log(helpText({ kaiming: 'kaiming_normal_ ...' }));
 * ```
 */
export function helpText(schemeDescriptions: Record<string, string>): string {
  const rows = OPTION_DOCS.map((d) => {
    const left = `  --${d.name}${d.value ? ` ${d.value}` : ''}`;
    const def = d.default === undefined ? '' : ` [default: ${d.default}]`;
    return `${left.padEnd(26)}${d.text}${def}`;
  });
  const schemes = SCHEMES.map((s) => `  ${s.padEnd(18)}${schemeDescriptions[s] ?? ''}`);
  return [
    'Usage: minidl-experiments [options]',
    '',
    'Trains the tutorial MNIST CNN (or a deep ReLU MLP) once per init scheme and seed and writes',
    'summary.json, CSV files, SVG/PNG plots and a self-contained report.html to --out.',
    'Killing and restarting with the same options resumes; finished runs are skipped.',
    '',
    'Options:',
    ...rows,
    '',
    'Schemes (applied to every Conv2d and Linear, in model.modules() order):',
    ...schemes,
    '  ./file.mjs        a module whose default export is (layer, { init, kind, name }) => void',
    '',
    'Training defaults follow the tutorial: cross-entropy loss, plain SGD, lr 0.0002, batch 16,',
    'pixels in [0, 1] without normalisation.',
  ].join('\n');
}
