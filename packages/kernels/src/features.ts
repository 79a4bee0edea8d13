/**
 * WebAssembly feature detection: which build of the kernels this engine can run.
 *
 * Each probe is the smallest module that uses one instruction of the feature; `WebAssembly.validate`
 * accepts it only where the engine implements that feature. Relaxed SIMD is on by default from
 * Node 22 / Chrome 114; Node 20 has it behind `--experimental-wasm-relaxed-simd`.
 */

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
// One function type () -> v128 and one function of that type.
const TYPE_AND_FUNCTION = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00];
const SPLAT_ZERO = [0x41, 0x00, 0xfd, 0x11]; // i32.const 0; i32x4.splat

/** Body: i32x4.splat(0), returned as v128 (SIMD128, the `simd` proposal). */
const SIMD_PROBE = new Uint8Array([
  ...HEADER,
  ...TYPE_AND_FUNCTION,
  0x0a,
  0x08,
  0x01,
  0x06,
  0x00,
  ...SPLAT_ZERO,
  0x0b,
]);

/** Body: f32x4.relaxed_madd of three splats (opcode 0xfd 0x105, LEB128 0x85 0x02). */
const RELAXED_SIMD_PROBE = new Uint8Array([
  ...HEADER,
  ...TYPE_AND_FUNCTION,
  0x0a,
  0x13,
  0x01,
  0x11,
  0x00,
  ...SPLAT_ZERO,
  ...SPLAT_ZERO,
  ...SPLAT_ZERO,
  0xfd,
  0x85,
  0x02,
  0x0b,
]);

/**
 * What the running engine supports.
 *
 * @example
 * ```ts
 * const f: WasmFeatures = detectWasmFeatures();
 * ```
 */
export interface WasmFeatures {
  simd: boolean;
  relaxedSimd: boolean;
}

/**
 * Probes the engine once.
 *
 * @example
 * ```ts
 * const { simd, relaxedSimd } = detectWasmFeatures();
 * ```
 */
export function detectWasmFeatures(): WasmFeatures {
  return {
    simd: WebAssembly.validate(SIMD_PROBE),
    relaxedSimd: WebAssembly.validate(RELAXED_SIMD_PROBE),
  };
}
