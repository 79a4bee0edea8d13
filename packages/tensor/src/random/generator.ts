/**
 * PyTorch's CPU random number generator (`at::CPUGeneratorImpl`): an mt19937 engine, the 64-bit
 * seed it was seeded with, and the cached second sample of the double Box-Muller transform.
 */
import { MT_N, type MtState, nextMt, seedMt } from './mt19937.js';

/** The seed of a fresh `torch.Generator()` (PyTorch's `default_rng_seed_val`). */
const DEFAULT_SEED = 67280421310721n;
/** Size in bytes of PyTorch's serialised `CPUGeneratorImplState` (`get_state()`). */
export const STATE_BYTES = 5056;
// Byte offsets inside CPUGeneratorImplState (x86-64 layout, little-endian; see get_state()).
const OFF_LEFT = 8;
const OFF_SEEDED = 12;
const OFF_NEXT = 16;
const OFF_MT = 24;
const OFF_NORMAL_Y = OFF_MT + MT_N * 8 + 8;
const OFF_NORMAL_VALID = OFF_NORMAL_Y + 16;
const OFF_FLOAT_NORMAL = OFF_NORMAL_VALID + 8;
const OFF_FLOAT_NORMAL_VALID = OFF_FLOAT_NORMAL + 4;

const TWO_POW_32 = 4294967296;
const TWO_POW_M53 = 2 ** -53;

/**
 * Converts a seed as `torch.manual_seed` accepts it to the unsigned 64-bit value PyTorch stores:
 * non-integers are truncated (`int(seed)`), negatives wrap as two's complement (-1 -> 2^64 - 1),
 * and anything outside [-2^63, 2^64) is rejected with PyTorch's message.
 */
function toSeed64(seed: number | bigint): bigint {
  let s: bigint;
  if (typeof seed === 'bigint') {
    s = seed;
  } else if (typeof seed === 'number' && Number.isFinite(seed)) {
    s = BigInt(Math.trunc(seed));
  } else {
    throw new TypeError(`manual_seed expected a long, but got ${String(seed)}`);
  }
  if (s < -(1n << 63n) || s >= 1n << 64n) throw new RangeError('Overflow when unpacking long long');
  return BigInt.asUintN(64, s);
}

/** 64 bits of OS entropy, as PyTorch's `getNonDeterministicRandom` reads from `/dev/urandom`. */
function nondeterministicSeed(): bigint {
  const words = crypto.getRandomValues(new Uint32Array(2));
  return (BigInt(words[0]!) << 32n) | BigInt(words[1]!);
}

/**
 * PyTorch's CPU generator: same seeding, same stream of numbers, same serialised state.
 *
 * After `manual_seed(s)` the draws equal `std::mt19937` seeded with the low 32 bits of `s`, and
 * every distribution built on it in this package (`fillUniform`, `fillNormal`, ...) reproduces
 * PyTorch's float32 values bit for bit (torch-rng SPEC).
 *
 * @example
 * ```ts
 * const g = new Generator().manual_seed(0);
 * g.random();                     // 2357136044, as torch's first mt19937 draw for seed 0
 * const saved = g.get_state();    // 5056 bytes, byte-compatible with torch.Generator.get_state()
 * g.random();
 * g.set_state(saved);             // rewinds: the next draw is 2546248239 again
 * ```
 */
export class Generator {
  /** The mt19937 words and counters. */
  private readonly engine: MtState = { mt: new Uint32Array(MT_N), left: 1, next: 0 };
  private seed64 = DEFAULT_SEED;
  /** Second Box-Muller sample of the scalar (double) normal path, stored unscaled. */
  private nextDoubleNormal: number | undefined;
  /** PyTorch's float normal cache: no CPU kernel uses it, but get/set_state carry it. */
  private nextFloatNormal: number | undefined;

  /** A generator seeded with PyTorch's default seed 67280421310721, as `torch.Generator()`. */
  constructor() {
    this.manual_seed(DEFAULT_SEED);
  }

  /** The device this generator serves; always `'cpu'`. */
  get device(): 'cpu' {
    return 'cpu';
  }

  /**
   * Seeds the generator, as `torch.Generator.manual_seed`: the full 64-bit seed is remembered
   * (negative seeds wrap: -1 -> 2^64 - 1) but only its low 32 bits seed mt19937. Clears the
   * cached normal sample.
   *
   * @throws RangeError 'Overflow when unpacking long long' outside [-2^63, 2^64).
   * @returns this generator, for chaining.
   *
   * @example
   * ```ts
   * new Generator().manual_seed(-1).initial_seed(); // 18446744073709551615n
   * ```
   */
  manual_seed(seed: number | bigint): this {
    this.seed64 = toSeed64(seed);
    seedMt(this.engine, Number(this.seed64 & 0xffffffffn));
    this.nextDoubleNormal = undefined;
    this.nextFloatNormal = undefined;
    return this;
  }

  /**
   * Reseeds from OS entropy with a fresh 64-bit seed and returns it, as `torch.Generator.seed`.
   *
   * @example
   * ```ts
   * const s = g.seed(); // later: g.manual_seed(s) replays the same stream
   * ```
   */
  seed(): bigint {
    const s = nondeterministicSeed();
    this.manual_seed(s);
    return s;
  }

  /**
   * The 64-bit seed last given to `manual_seed` (or chosen by `seed()`), as an unsigned bigint.
   *
   * @example
   * ```ts
   * new Generator().initial_seed(); // 67280421310721n
   * ```
   */
  initial_seed(): bigint {
    return this.seed64;
  }

  /**
   * The generator state as PyTorch serialises it: the 5056 bytes of `CPUGeneratorImplState`
   * (seed u64, left i32, seeded i32, next u64, 624 state words as u64, the legacy normal_x /
   * normal_y / normal_rho doubles and normal_is_valid i32 -- normal_y holds the cached double
   * normal sample -- then the float normal cache and its flag), little-endian. A state from
   * `torch.Generator().get_state().numpy().tobytes()` loads here and vice versa.
   *
   * @example
   * ```ts
   * const state = g.get_state();
   * const a = g.random();
   * g.set_state(state);
   * g.random() === a; // true
   * ```
   */
  get_state(): Uint8Array {
    const bytes = new Uint8Array(STATE_BYTES);
    const view = new DataView(bytes.buffer);
    view.setBigUint64(0, this.seed64, true);
    view.setInt32(OFF_LEFT, this.engine.left, true);
    view.setInt32(OFF_SEEDED, 1, true);
    view.setBigUint64(OFF_NEXT, BigInt(this.engine.next), true);
    for (let i = 0; i < MT_N; i++) view.setUint32(OFF_MT + 8 * i, this.engine.mt[i]!, true);
    if (this.nextDoubleNormal !== undefined) {
      view.setFloat64(OFF_NORMAL_Y, this.nextDoubleNormal, true);
      view.setInt32(OFF_NORMAL_VALID, 1, true);
    }
    if (this.nextFloatNormal !== undefined) {
      view.setFloat32(OFF_FLOAT_NORMAL, this.nextFloatNormal, true);
      bytes[OFF_FLOAT_NORMAL_VALID] = 1;
    }
    return bytes;
  }

  /**
   * Restores a state from {@link Generator.get_state} (or from PyTorch's `get_state()` bytes).
   *
   * @throws with PyTorch's messages for a wrong size or an invalid mt19937 state.
   */
  set_state(state: Uint8Array): this {
    if (!(state instanceof Uint8Array)) throw new TypeError('RNG state must be a torch.ByteTensor');
    if (state.length !== STATE_BYTES) {
      throw new Error(
        `Expected a CPUGeneratorImplState of size ${STATE_BYTES} but found the input RNG state size to be ${state.length}`,
      );
    }
    const view = new DataView(state.buffer, state.byteOffset, state.byteLength);
    const left = view.getInt32(OFF_LEFT, true);
    const seeded = view.getInt32(OFF_SEEDED, true);
    const next = view.getBigUint64(OFF_NEXT, true);
    // at::mt19937::is_valid: seeded, 1 <= left <= 624, next <= 624.
    if (seeded === 0 || left < 1 || left > MT_N || next > BigInt(MT_N))
      throw new Error('Invalid mt19937 state');
    this.seed64 = view.getBigUint64(0, true);
    this.engine.left = left;
    this.engine.next = Number(next);
    for (let i = 0; i < MT_N; i++) this.engine.mt[i] = view.getUint32(OFF_MT + 8 * i, true);
    this.nextDoubleNormal =
      view.getInt32(OFF_NORMAL_VALID, true) !== 0 ? view.getFloat64(OFF_NORMAL_Y, true) : undefined;
    this.nextFloatNormal =
      state[OFF_FLOAT_NORMAL_VALID] !== 0 ? view.getFloat32(OFF_FLOAT_NORMAL, true) : undefined;
    return this;
  }

  /** One uniformly distributed uint32 (`CPUGeneratorImpl::random`). */
  random(): number {
    return nextMt(this.engine);
  }

  /**
   * One uniformly distributed uint64 from two draws, the first being the high half
   * (`CPUGeneratorImpl::random64`). A bigint, since it does not fit a double exactly.
   */
  random64(): bigint {
    const hi = nextMt(this.engine);
    const lo = nextMt(this.engine);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /**
   * A float32 uniform in [0, 1) from one draw: the low 24 bits times 2^-24, as
   * `uniform_real_distribution<float>` (exact, so returned as the float32 value).
   */
  uniformFloat(): number {
    return (nextMt(this.engine) & 0xffffff) * 2 ** -24;
  }

  /**
   * A double uniform in [0, 1) from two draws: the low 53 bits of `random64()` times 2^-53, as
   * `uniform_real_distribution<double>`. Computed without BigInt: `(hi & 0x1fffff) * 2^32 + lo`
   * is below 2^53 and so exact.
   */
  uniformDouble(): number {
    const hi = nextMt(this.engine);
    const lo = nextMt(this.engine);
    return ((hi & 0x1fffff) * TWO_POW_32 + lo) * TWO_POW_M53;
  }

  /**
   * One standard normal sample in double from the scalar path of PyTorch's `normal_`
   * (`at::normal_distribution<double>` before scaling): returns the cached sample if there is one,
   * else draws two double uniforms, returns `r cos(theta)` and caches `r sin(theta)` with
   * `r = sqrt(-2 log1p(-u2))`, `theta = 2 pi u1` (torch 2.x; 1.13 used `log(1 - u2)`, the same real).
   * The cache survives across calls until `manual_seed` or `set_state`.
   */
  standardNormalDouble(): number {
    const cached = this.nextDoubleNormal;
    if (cached !== undefined) {
      this.nextDoubleNormal = undefined;
      return cached;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

/**
 * The global generator that every random function uses when no `generator` is given, as
 * `torch.default_generator`. Like PyTorch's it starts from a nondeterministic seed; call
 * {@link manual_seed} for reproducible results.
 *
 * @example
 * ```ts
 * default_generator.manual_seed(0).random(); // 2357136044
 * ```
 */
export const default_generator = new Generator();
default_generator.seed();

/**
 * Seeds the global generator, as `torch.manual_seed`, and returns it.
 *
 * @example
 * ```ts
 * manual_seed(42);
 * ```
 */
export function manual_seed(seed: number | bigint): Generator {
  return default_generator.manual_seed(seed);
}

/**
 * Reseeds the global generator from OS entropy and returns the new seed, as `torch.seed`.
 *
 * @example
 * ```ts
 * const s = seed();
 * ```
 */
export function seed(): bigint {
  return default_generator.seed();
}

/**
 * The seed of the global generator, as `torch.initial_seed`.
 *
 * @example
 * ```ts
 * manual_seed(7);
 * initial_seed(); // 7n
 * ```
 */
export function initial_seed(): bigint {
  return default_generator.initial_seed();
}

/**
 * The global generator's state (5056 bytes, PyTorch's layout), as `torch.get_rng_state`.
 *
 * @example
 * ```ts
 * const s = get_rng_state(); // ...; set_rng_state(s) replays
 * ```
 */
export function get_rng_state(): Uint8Array {
  return default_generator.get_state();
}

/**
 * Restores the global generator's state, as `torch.set_rng_state`.
 *
 * @example
 * ```ts
 * set_rng_state(get_rng_state());
 * ```
 */
export function set_rng_state(state: Uint8Array): void {
  default_generator.set_state(state);
}
