/**
 * The 32-bit Mersenne Twister (Matsumoto & Nishimura 1998) as PyTorch's `at::mt19937` runs it:
 * identical to `std::mt19937`, with the `left`/`next` counters PyTorch keeps in its RNG state.
 */

/** Number of 32-bit words of state. */
export const MT_N = 624;
const MT_M = 397;

/** The engine's mutable state, laid out like PyTorch's `mt19937_data_pod`. */
export interface MtState {
  /** The 624 state words. */
  readonly mt: Uint32Array;
  /** Draws left before the next twist, plus one (1 right after seeding, in [1, 624]). */
  left: number;
  /** Index of the next state word to temper. */
  next: number;
}

/** Standard `init_genrand`: fill the state from a 32-bit seed and force a twist on the next draw. */
export function seedMt(state: MtState, seed32: number): void {
  const mt = state.mt;
  mt[0] = seed32 >>> 0;
  for (let i = 1; i < MT_N; i++) {
    const prev = mt[i - 1]!;
    mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
  }
  state.left = 1;
  state.next = 0;
}

/** Regenerates all 624 words in place (indices mod 624, so late words read already-updated ones). */
function twist(mt: Uint32Array): void {
  for (let k = 0; k < MT_N; k++) {
    const k1 = k + 1 === MT_N ? 0 : k + 1;
    const km = k + MT_M < MT_N ? k + MT_M : k + MT_M - MT_N;
    const y = (mt[k]! & 0x80000000) | (mt[k1]! & 0x7fffffff);
    mt[k] = mt[km]! ^ (y >>> 1) ^ (mt[k1]! & 1 ? 0x9908b0df : 0);
  }
}

/** Draws one tempered uint32, advancing the state exactly as `at::mt19937::operator()`. */
export function nextMt(state: MtState): number {
  if (--state.left === 0) {
    twist(state.mt);
    state.left = MT_N;
    state.next = 0;
  }
  let y = state.mt[state.next++]!;
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  y ^= y >>> 18;
  return y >>> 0;
}
