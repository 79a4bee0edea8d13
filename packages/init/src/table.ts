/**
 * Per-layer statistics of an initialisation scheme: fans, gain, and the std or bound each weight
 * gets. For docs and the experiments app ("what does Kaiming do to a 3x3 conv with 32 inputs?").
 */
import { normCdf } from './erf.js';
import { calculate_fan_in_and_fan_out, type HasShape } from './fan.js';
import { calculate_gain } from './gain.js';
import { type KaimingOptions, kaiming_std, uniform_bound, xavier_std } from './schemes.js';
import type { TruncNormalParams } from './trunc-normal.js';
import {
  TRUNCATED_NORMAL_STD,
  type VarianceScalingParams,
  variance_scaling_variance,
} from './variance-scaling.js';

/** `uniform_(w, a, b)`. */
export interface UniformScheme {
  /** Scheme name. */
  name: 'uniform';
  /** Lower bound. Default 0. */
  a?: number;
  /** Upper bound. Default 1. */
  b?: number;
}

/** `normal_(w, mean, std)`. */
export interface NormalScheme {
  /** Scheme name. */
  name: 'normal';
  /** Mean. Default 0. */
  mean?: number;
  /** Standard deviation. Default 1. */
  std?: number;
}

/** `trunc_normal_(w, mean, std, a, b)`. */
export interface TruncNormalScheme extends Partial<TruncNormalParams> {
  /** Scheme name. */
  name: 'trunc_normal';
}

/** `constant_(w, val)`, `zeros_(w)` or `ones_(w)`. */
export interface ConstantScheme {
  /** Scheme name. */
  name: 'constant' | 'zeros' | 'ones';
  /** The value, for `'constant'`. */
  val?: number;
}

/** `xavier_uniform_(w, gain)` / `xavier_normal_(w, gain)`, or `orthogonal_(w, gain)`. */
export interface GainScheme {
  /** Scheme name. */
  name: 'xavier_uniform' | 'xavier_normal' | 'orthogonal';
  /** Scaling factor. Default 1. */
  gain?: number;
}

/** `kaiming_uniform_(w, { a, mode, nonlinearity })` / `kaiming_normal_(...)`. */
export interface KaimingScheme extends KaimingOptions {
  /** Scheme name. */
  name: 'kaiming_uniform' | 'kaiming_normal';
}

/** `variance_scaling_(w, { scale, mode, distribution })`. */
export interface VarianceScalingScheme extends VarianceScalingParams {
  /** Scheme name. */
  name: 'variance_scaling';
}

/**
 * Schemes without parameters: `lecun_normal_`, `lecun_uniform_`, and `'pytorch_default'`, the
 * `reset_parameters` of nn.Linear / nn.ConvNd (kaiming_uniform_ with a = sqrt(5): bound 1/sqrt(fan_in)).
 */
export interface FixedScheme {
  /** Scheme name. */
  name: 'lecun_normal' | 'lecun_uniform' | 'pytorch_default';
}

/** An initialisation scheme by name, with its parameters (PyTorch's names and defaults). */
export type InitScheme =
  | UniformScheme
  | NormalScheme
  | TruncNormalScheme
  | ConstantScheme
  | GainScheme
  | KaimingScheme
  | VarianceScalingScheme
  | FixedScheme;

/** What a scheme does to one weight of a given shape. */
export interface InitStats {
  /** Inputs summed into one output unit: `in * prod(kernel)`. */
  fan_in: number;
  /** Outputs one input unit feeds: `out * prod(kernel)`. */
  fan_out: number;
  /** The gain factor (`calculate_gain`, the Xavier/orthogonal gain, sqrt(scale)); null if none applies. */
  gain: number | null;
  /** Family of the sampled values. */
  distribution: 'uniform' | 'normal' | 'truncated_normal' | 'orthogonal' | 'constant';
  /** Mean of the weights. */
  mean: number;
  /** Standard deviation of the weights (of the resulting, e.g. truncated, distribution). */
  std: number;
  /** Half-width of a uniform, cutoff of a truncated normal (distance from the mean); else null. */
  bound: number | null;
}

/**
 * The statistics a scheme gives a weight of this shape, using the same formulas as the init
 * functions (so `bound` is exactly the one `kaiming_uniform_` samples with).
 *
 * @example
 * ```ts
 * init_stats([16, 1, 3, 3], { name: 'kaiming_normal', mode: 'fan_out', nonlinearity: 'relu' });
 * // { fan_in: 9, fan_out: 144, gain: 1.414..., distribution: 'normal', mean: 0, std: 0.1178..., bound: null }
 * ```
 */
export function init_stats(shape: readonly number[], scheme: InitScheme): InitStats {
  const [fan_in, fan_out] = calculate_fan_in_and_fan_out(shape);
  const base = { fan_in, fan_out, mean: 0 };
  const uniform = (gain: number | null, bound: number, mean = 0): InitStats => ({
    ...base,
    mean,
    gain,
    distribution: 'uniform',
    std: bound / Math.sqrt(3),
    bound,
  });
  const normal = (gain: number | null, std: number, mean = 0): InitStats => ({
    ...base,
    mean,
    gain,
    distribution: 'normal',
    std,
    bound: null,
  });
  switch (scheme.name) {
    case 'uniform': {
      const { a = 0, b = 1 } = scheme;
      return uniform(null, (b - a) / 2, (a + b) / 2);
    }
    case 'normal':
      return normal(null, scheme.std ?? 1, scheme.mean ?? 0);
    case 'trunc_normal': {
      const { mean = 0, std = 1, a = -2, b = 2 } = scheme;
      const t = truncatedMoments(mean, std, a, b);
      const bound = Math.max(mean - a, b - mean);
      return { ...base, gain: null, distribution: 'truncated_normal', mean: t.mean, std: t.std, bound };
    }
    case 'constant':
    case 'zeros':
    case 'ones': {
      const val = scheme.name === 'constant' ? (scheme.val ?? 0) : scheme.name === 'ones' ? 1 : 0;
      return { ...base, mean: val, gain: null, distribution: 'constant', std: 0, bound: null };
    }
    case 'xavier_uniform':
      return uniform(scheme.gain ?? 1, uniform_bound(xavier_std(shape, scheme.gain ?? 1)));
    case 'xavier_normal':
      return normal(scheme.gain ?? 1, xavier_std(shape, scheme.gain ?? 1));
    case 'kaiming_uniform':
    case 'kaiming_normal': {
      const gain = calculate_gain(scheme.nonlinearity ?? 'leaky_relu', scheme.a ?? 0);
      const std = kaiming_std(shape, scheme);
      return scheme.name === 'kaiming_uniform' ? uniform(gain, uniform_bound(std)) : normal(gain, std);
    }
    case 'pytorch_default': {
      const a = Math.sqrt(5);
      return uniform(calculate_gain('leaky_relu', a), uniform_bound(kaiming_std(shape, { a })));
    }
    case 'orthogonal': {
      // Orthonormal rows or columns of length max(rows, cols): mean square 1 / max(rows, cols).
      const gain = scheme.gain ?? 1;
      const rows = shape[0]!;
      const cols = shape.slice(1).reduce((x, y) => x * y, 1);
      return {
        ...base,
        gain,
        distribution: 'orthogonal',
        std: gain / Math.sqrt(Math.max(rows, cols)),
        bound: null,
      };
    }
    case 'variance_scaling':
    case 'lecun_normal':
    case 'lecun_uniform': {
      const params: VarianceScalingParams =
        scheme.name === 'variance_scaling'
          ? scheme
          : {
              scale: 1,
              mode: 'fan_in',
              distribution: scheme.name === 'lecun_normal' ? 'truncated_normal' : 'uniform',
            };
      const variance = variance_scaling_variance(shape, params);
      const gain = Math.sqrt(params.scale ?? 1);
      const distribution = params.distribution ?? 'truncated_normal';
      if (distribution === 'uniform') return uniform(gain, Math.sqrt(3 * variance));
      if (distribution === 'truncated_normal') {
        const bound = (2 * Math.sqrt(variance)) / TRUNCATED_NORMAL_STD;
        return { ...base, gain, distribution, std: Math.sqrt(variance), bound };
      }
      return normal(gain, Math.sqrt(variance));
    }
  }
}

/** Mean and std of N(mean, std^2) truncated to [a, b] (standard formulas with phi and Phi). */
function truncatedMoments(mean: number, std: number, a: number, b: number): { mean: number; std: number } {
  const alpha = (a - mean) / std;
  const beta = (b - mean) / std;
  const pdf = (x: number) => (Number.isFinite(x) ? Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) : 0);
  const z = normCdf(beta) - normCdf(alpha);
  const shift = (pdf(alpha) - pdf(beta)) / z;
  const term = (x: number) => (Number.isFinite(x) ? x * pdf(x) : 0);
  const variance = std * std * (1 + (term(alpha) - term(beta)) / z - shift * shift);
  return { mean: mean + std * shift, std: Math.sqrt(variance) };
}

/** One weight to tabulate: its name, shape and (optionally) the kind of layer that owns it. */
export interface WeightEntry {
  /** Dotted name, e.g. `conv1.weight`. */
  name: string;
  /** The weight's shape, PyTorch layout `[out, in, *kernel]`. */
  shape: readonly number[];
  /** Class name of the owning layer, e.g. `Conv2d`, when known. */
  kind?: string;
}

/** Anything with PyTorch's `named_modules()` (an `nn.Module`), seen structurally. */
export interface ModuleLike {
  /** `[dotted name, module]` pairs, the root first with name `''`. */
  named_modules(): Iterable<[string, unknown]>;
}

/** Anything with PyTorch's `named_parameters()`, seen structurally. */
export interface ParameterOwner {
  /** `[dotted name, parameter]` pairs. */
  named_parameters(): Iterable<[string, HasShape]>;
}

/** A row of {@link tabulate_init}. */
export interface InitTableRow extends InitStats {
  /** The weight's dotted name. */
  name: string;
  /** Class name of the owning layer, or null when not known. */
  kind: string | null;
  /** The weight's shape. */
  shape: number[];
  /** The scheme's name. */
  scheme: InitScheme['name'];
}

/** The weights (>= 2 dimensions) of a model or list, in order. */
function weightsOf(model: ModuleLike | ParameterOwner | readonly WeightEntry[]): WeightEntry[] {
  if (Array.isArray(model)) return (model as readonly WeightEntry[]).filter((w) => w.shape.length >= 2);
  if ('named_modules' in model && typeof model.named_modules === 'function') {
    const out: WeightEntry[] = [];
    for (const [name, m] of model.named_modules()) {
      const weight = (m as { weight?: { shape?: readonly number[] } | null }).weight;
      if (weight?.shape && weight.shape.length >= 2) {
        out.push({
          name: name === '' ? 'weight' : `${name}.weight`,
          shape: weight.shape,
          kind: (m as object).constructor.name,
        });
      }
    }
    return out;
  }
  const out: WeightEntry[] = [];
  for (const [name, p] of (model as ParameterOwner).named_parameters()) {
    if (p.shape.length >= 2) out.push({ name, shape: p.shape });
  }
  return out;
}

/**
 * Tabulates, per weight of a model, the fans, gain and resulting std / bound of a scheme: what the
 * docs and experiments show to explain why a scheme trains well or not. Weights are parameters
 * with at least 2 dimensions (biases are not covered by these schemes); with `named_modules()` each
 * row also names the layer class.
 *
 * @param model - an `nn.Module` (anything with `named_modules()` or `named_parameters()`), or a
 *   list of `{ name, shape, kind? }`.
 * @param scheme - one scheme for all weights, or a function choosing one per weight (return null to
 *   skip it).
 *
 * @example
 * ```ts
 * tabulate_init(model, { name: 'kaiming_normal', nonlinearity: 'relu' });
 * tabulate_init([{ name: 'conv1.weight', shape: [16, 1, 3, 3] }], { name: 'xavier_uniform' });
 * // [{ name: 'conv1.weight', kind: null, shape: [16, 1, 3, 3], scheme: 'xavier_uniform',
 * //    fan_in: 9, fan_out: 144, gain: 1, distribution: 'uniform', std: 0.114..., bound: 0.198..., mean: 0 }]
 * ```
 */
export function tabulate_init(
  model: ModuleLike | ParameterOwner | readonly WeightEntry[],
  scheme: InitScheme | ((weight: WeightEntry) => InitScheme | null),
): InitTableRow[] {
  const rows: InitTableRow[] = [];
  for (const w of weightsOf(model)) {
    const s = typeof scheme === 'function' ? scheme(w) : scheme;
    if (s === null) continue;
    rows.push({
      name: w.name,
      kind: w.kind ?? null,
      shape: [...w.shape],
      scheme: s.name,
      ...init_stats(w.shape, s),
    });
  }
  return rows;
}

/**
 * Formats {@link tabulate_init} rows as a Markdown table (4 significant digits).
 *
 * @example
 * ```ts
 * console.log(format_init_table(tabulate_init(model, { name: 'kaiming_normal' })));
 * ```
 */
export function format_init_table(rows: readonly InitTableRow[]): string {
  const num = (x: number | null) => (x === null ? '' : Number(x.toPrecision(4)).toString());
  const header = '| weight | shape | scheme | fan_in | fan_out | gain | distribution | std | bound |';
  const lines = rows.map(
    (r) =>
      `| ${r.name} | [${r.shape.join(', ')}] | ${r.scheme} | ${r.fan_in} | ${r.fan_out} | ${num(r.gain)} | ${r.distribution} | ${num(r.std)} | ${num(r.bound)} |`,
  );
  return [header, '|---|---|---|---|---|---|---|---|---|', ...lines].join('\n');
}
