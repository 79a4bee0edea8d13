/**
 * Weight-initialisation schemes. A scheme is the body of the tutorial's loop
 *
 *   for m in self.modules():
 *       if isinstance(m, nn.Conv2d) or isinstance(m, nn.Linear):
 *           <scheme>(m)
 *
 * run on every Conv2d and Linear in `modules()` order, after the layers' own reset_parameters.
 * Because minidl's generator and init functions reproduce PyTorch's draws, `manual_seed(s)` then
 * the same scheme gives the same float32 weights as PyTorch (tools/reference relies on this).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isSchemeModulePath, SCHEMES, type SchemeName, UsageError } from './options.js';

/** The torch.nn.init functions the built-in schemes call (a structural view of `@minidl/init`). */
export interface InitApi<T> {
  normal_(tensor: T, mean?: number, std?: number): T;
  uniform_(tensor: T, a?: number, b?: number): T;
  zeros_(tensor: T): T;
  xavier_normal_(tensor: T): T;
  xavier_uniform_(tensor: T): T;
  kaiming_normal_(tensor: T, options?: { mode?: 'fan_in' | 'fan_out'; nonlinearity?: string }): T;
  kaiming_uniform_(tensor: T): T;
  orthogonal_(tensor: T): T;
}

/** What a scheme sees of a Conv2d or Linear layer. */
export interface InitLayer<T> {
  weight: { data: T };
  bias?: { data: { fill_(value: number): unknown } } | null;
}

/** Passed to every scheme call: the init functions, the layer's class and its dotted name. */
export interface SchemeContext<T> {
  init: InitApi<T>;
  kind: 'Conv2d' | 'Linear';
  name: string;
}

/** Initialises one layer in place. */
// biome-ignore lint/suspicious/noExplicitAny: schemes are generic over the tensor type they are handed
export type LayerInit<T = any> = (layer: InitLayer<T>, ctx: SchemeContext<T>) => void;

/** A scheme as the runner uses it. */
export interface Scheme {
  name: string;
  description: string;
  /** Undefined for `pytorch-default`, which keeps the layers' reset_parameters. */
  initLayer?: LayerInit;
  /** SHA-256 of a user module's source (recorded so that an edited module is never mistaken for the old one). */
  sourceSha256?: string;
}

const zeroBias: LayerInit = (layer) => {
  layer.bias?.data.fill_(0);
};

/** weight <- f(weight), bias <- 0, as the tutorial writes each of its schemes. */
function withZeroBias(f: (w: unknown, init: InitApi<unknown>) => void): LayerInit {
  return (layer, ctx) => {
    f(layer.weight.data, ctx.init);
    zeroBias(layer, ctx);
  };
}

/** The built-in schemes with the exact PyTorch calls they make. */
export const BUILTIN_SCHEMES: Record<SchemeName, Scheme> = {
  'small-normal': {
    name: 'small-normal',
    description: 'weight.normal_(0, 0.02), bias 0 (the tutorial)',
    initLayer: withZeroBias((w, init) => init.normal_(w, 0, 0.02)),
  },
  xavier: {
    name: 'xavier',
    description: 'xavier_normal_(weight), bias 0 (the tutorial)',
    initLayer: withZeroBias((w, init) => init.xavier_normal_(w)),
  },
  kaiming: {
    name: 'kaiming',
    description: 'kaiming_normal_(weight) with its defaults, bias 0 (the tutorial)',
    initLayer: withZeroBias((w, init) => init.kaiming_normal_(w)),
  },
  'pytorch-default': {
    name: 'pytorch-default',
    description: "the layers' own reset_parameters (kaiming_uniform_ with a=sqrt(5))",
  },
  'xavier-uniform': {
    name: 'xavier-uniform',
    description: 'xavier_uniform_(weight), bias 0',
    initLayer: withZeroBias((w, init) => init.xavier_uniform_(w)),
  },
  'kaiming-uniform': {
    name: 'kaiming-uniform',
    description: 'kaiming_uniform_(weight) with its defaults, bias 0',
    initLayer: withZeroBias((w, init) => init.kaiming_uniform_(w)),
  },
  'kaiming-fan-out': {
    name: 'kaiming-fan-out',
    description: "kaiming_normal_(weight, mode='fan_out', nonlinearity='relu'), bias 0",
    initLayer: withZeroBias((w, init) => init.kaiming_normal_(w, { mode: 'fan_out', nonlinearity: 'relu' })),
  },
  orthogonal: {
    name: 'orthogonal',
    description: 'orthogonal_(weight) (gain 1), bias 0',
    initLayer: withZeroBias((w, init) => init.orthogonal_(w)),
  },
  'lecun-normal': {
    name: 'lecun-normal',
    description: "kaiming_normal_(weight, nonlinearity='linear'), i.e. std 1/sqrt(fan_in), bias 0",
    initLayer: withZeroBias((w, init) => init.kaiming_normal_(w, { nonlinearity: 'linear' })),
  },
  uniform01: {
    name: 'uniform01',
    description: "uniform_(weight) on U(0, 1), bias untouched (the tutorial's first sample)",
    initLayer: (layer, ctx) => {
      ctx.init.uniform_(layer.weight.data);
    },
  },
  zeros: {
    name: 'zeros',
    description: 'zeros_(weight), bias 0: every unit computes the same thing (symmetry failure)',
    initLayer: withZeroBias((w, init) => init.zeros_(w)),
  },
};

/** One line per built-in scheme, for `--help`. */
export function schemeDescriptions(): Record<string, string> {
  return Object.fromEntries(SCHEMES.map((s) => [s, BUILTIN_SCHEMES[s].description]));
}

/**
 * Loads a user scheme module. Its default export (or an export named `init`) is a
 * {@link LayerInit}; an optional `name` export names it in reports (else the file's base name),
 * an optional `description` export describes it.
 *
 * @example
 * ```ts
 * // my-scheme.mjs:
 * //   export const name = 'trunc-normal';
 * //   export default (layer, { init }) => { init.trunc_normal_(layer.weight.data, 0, 0.02); layer.bias?.data.fill_(0); };
 * const scheme = await loadSchemeModule('./my-scheme.mjs');
 * ```
 */
export async function loadSchemeModule(path: string): Promise<Scheme> {
  const absolute = resolve(path);
  let source: Buffer;
  try {
    source = readFileSync(absolute);
  } catch {
    throw new UsageError(`scheme module '${path}' not found (resolved to ${absolute})`);
  }
  const loaded = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  const initLayer = loaded.default ?? loaded.init;
  if (typeof initLayer !== 'function') {
    throw new UsageError(
      `scheme module '${path}' must export a function (layer, { init, kind, name }) => void as its default export or as 'init'`,
    );
  }
  const name = typeof loaded.name === 'string' ? loaded.name : basename(absolute).replace(/\.[^.]*$/, '');
  if ((SCHEMES as readonly string[]).includes(name)) {
    throw new UsageError(
      `scheme module '${path}' is named '${name}', which is a built-in scheme; export another name`,
    );
  }
  return {
    name,
    description: typeof loaded.description === 'string' ? loaded.description : `user scheme from ${path}`,
    initLayer: initLayer as LayerInit,
    sourceSha256: createHash('sha256').update(source).digest('hex'),
  };
}

/**
 * Resolves the `--schemes` entries to schemes, loading modules.
 *
 * @example
 * ```ts
 * (await resolveSchemes(['kaiming'])).map((s) => s.name); // ['kaiming']
 * ```
 */
export async function resolveSchemes(entries: string[]): Promise<Scheme[]> {
  const schemes: Scheme[] = [];
  for (const entry of entries) {
    schemes.push(
      isSchemeModulePath(entry) ? await loadSchemeModule(entry) : BUILTIN_SCHEMES[entry as SchemeName],
    );
  }
  const names = schemes.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new UsageError(`two schemes are named '${duplicate}'`);
  return schemes;
}

/**
 * Applies a scheme to the weight layers of a model, in order.
 *
 * @example
 * ```ts
 * applyScheme(BUILTIN_SCHEMES.kaiming, weightLayers(model), init);
 * ```
 */
export function applyScheme<T>(
  scheme: Scheme,
  layers: { name: string; kind: 'Conv2d' | 'Linear'; module: InitLayer<T> }[],
  init: InitApi<T>,
): void {
  if (scheme.initLayer === undefined) return;
  for (const layer of layers) scheme.initLayer(layer.module, { init, kind: layer.kind, name: layer.name });
}
