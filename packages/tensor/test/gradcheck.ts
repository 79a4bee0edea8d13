/**
 * Finite-difference gradient check. For an op f and inputs x_i, the scalar L = sum(f(x) * R) with a
 * fixed random R is reduced in float64 in JS; its numerical gradient by central differences,
 * (L(x + h e_k) - L(x - h e_k)) / 2h, is compared with the gradient autograd computes.
 */
import { expect } from 'vitest';
import * as torch from '../src/index.js';

/** Deterministic pseudo-random floats in [lo, hi) (a small LCG, independent of the torch generator). */
export function seeded(n: number, seed: number, lo = -1, hi = 1): number[] {
  // scramble the seed so nearby seeds do not give nearly equal first values
  let s = Math.imul((seed + 1) ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
  s = Math.imul(s ^ (s >>> 15), 0x85ebca6b) >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((s >>> 8) / 2 ** 24) * (hi - lo);
  });
}

/** A float32 leaf of `shape` with seeded values, away from 0 by at least `gap` if given. */
export function leaf(shape: number[], seed: number, lo = -1, hi = 1, gap = 0): torch.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = seeded(n, seed, lo, hi).map((v) => (Math.abs(v) < gap ? v + Math.sign(v || 1) * gap : v));
  return torch.tensor(new Float32Array(vals)).reshape(shape).requires_grad_(true);
}

function weightedSum(out: torch.Tensor, r: number[]): number {
  const v = out.toFloat32Array();
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * r[i]!;
  return s;
}

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Called before every evaluation (e.g. to reseed the generator for dropout). */
  before?: () => void;
}

/**
 * Asserts that autograd's gradients of `f` w.r.t. each of `inputs` match central differences.
 * Inputs are perturbed through `.data` (so leaves stay leaves).
 */
export function gradcheck(
  f: (...xs: torch.Tensor[]) => torch.Tensor,
  inputs: torch.Tensor[],
  options: GradcheckOptions = {},
): void {
  const { eps = 1e-2, atol = 2e-3, rtol = 1e-2, before } = options;
  before?.();
  const out = f(...inputs);
  const r = seeded(out.numel(), 12345, -1, 1);
  const rt = torch.tensor(new Float32Array(r), { device: out.device }).reshape(out.shape);
  for (const x of inputs) x.grad = null;
  out.backward(rt);
  inputs.forEach((x, which) => {
    if (!x.requires_grad) return;
    const analytic = x.grad ? x.grad.toFloat32Array() : new Float32Array(x.numel());
    const flat = x.data.reshape([-1]);
    const numeric = new Float64Array(x.numel());
    for (let k = 0; k < x.numel(); k++) {
      const orig = flat.select(0, k).item();
      const evalAt = (v: number): number => {
        flat.select(0, k).fill_(v);
        before?.();
        return weightedSum(
          torch.no_grad(() => f(...inputs)),
          r,
        );
      };
      const plus = evalAt(orig + eps);
      const minus = evalAt(orig - eps);
      flat.select(0, k).fill_(orig);
      numeric[k] = (plus - minus) / (2 * eps);
    }
    for (let k = 0; k < numeric.length; k++) {
      const tol = atol + rtol * Math.abs(numeric[k]!);
      if (!(Math.abs(analytic[k]! - numeric[k]!) <= tol)) {
        expect.fail(
          `input ${which}, element ${k}: autograd ${analytic[k]} vs finite difference ${numeric[k]} (tolerance ${tol})`,
        );
      }
    }
  });
}
