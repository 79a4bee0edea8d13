/**
 * PyTorch-style gradient check of every differentiable op (test/cases.ts): the float64 analytical
 * Jacobian against float64 central differences with PyTorch's tolerances, and the float32 path (the
 * wasm kernels) against the same float64 reference with float32-sized tolerances.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { GRAD_CASES, leaf } from './cases.js';
import { analyticalJacobians, compareJacobians, gradcheck } from './gradcheck.js';

/**
 * Float32 gradients against the float64 reference, with the tolerances PyTorch's
 * `torch.testing.assert_close` uses for float32 (atol 1e-5, rtol 1.3e-6, a few ulps of relative
 * error). Measured worst case over all cases: 1.6% of the tolerance (batch_norm training, pow);
 * a wrong formula is off by the gradient's own size (order 0.1 to 1 here).
 */
const FLOAT32 = { atol: 1e-5, rtol: 1.3e-6 };

/** dropout draws its mask from the generator: every evaluation must draw the same one. */
function beforeEach(name: string): (() => void) | undefined {
  return name === 'dropout' ? () => torch.manual_seed(0) : undefined;
}

describe('gradcheck (float64, PyTorch tolerances) and the float32 path against it', () => {
  for (const [name, make] of GRAD_CASES) {
    it(name, () => {
      const before = beforeEach(name);
      const [f64, in64] = make('float64');
      const r64 = gradcheck(f64, in64, { before });
      expect(r64.failure, 'float64 autograd vs float64 finite differences').toBeNull();
      const [f32, in32] = make('float32');
      for (const x of in32) expect(x.device).toBe('wasm');
      const a32 = analyticalJacobians(f32, in32, before);
      const r32 = compareJacobians(a32, r64.numeric, FLOAT32.atol, FLOAT32.rtol);
      expect(r32.failure, 'float32 autograd vs float64 finite differences').toBeNull();
    });
  }
});

/** sin with a backward that is off by a factor (cos * 1.01) or simply wrong (sin instead of cos). */
function brokenSin(factor: number, useSin = false) {
  return class Sin extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor) {
      ctx.save_for_backward(x);
      const v = x.reshape([-1]).tolist() as number[];
      return torch.tensor(v.map(Math.sin), { dtype: x.dtype }).reshape(x.shape);
    }
    static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor) {
      const [x] = ctx.saved_tensors;
      const v = x!.reshape([-1]).tolist() as number[];
      const d = v.map((e) => (useSin ? Math.sin(e) : Math.cos(e) * factor));
      return g.mul(torch.tensor(d, { dtype: x!.dtype }).reshape(x!.shape));
    }
  };
}

describe('the check itself', () => {
  it('passes a correct backward and fails a wrong one in float64', () => {
    const x = leaf('float64', [5], 7);
    expect(gradcheck((t) => brokenSin(1).apply(t!), [x]).failure).toBeNull();
    expect(gradcheck((t) => brokenSin(1, true).apply(t!), [x]).failure).toMatch(
      /autograd .* vs finite difference/,
    );
    // 1% off is beyond rtol 1e-3: PyTorch's tolerances catch small formula errors, not only gross ones
    expect(gradcheck((t) => brokenSin(1.01).apply(t!), [x]).failure).not.toBeNull();
  });

  it('fails a wrong float32 backward against the float64 reference', () => {
    const x64 = leaf('float64', [5], 7);
    const { numeric } = gradcheck((t) => brokenSin(1).apply(t!), [x64]);
    const good = analyticalJacobians((t) => brokenSin(1).apply(t!), [leaf('float32', [5], 7)]);
    const bad = analyticalJacobians((t) => brokenSin(1.01).apply(t!), [leaf('float32', [5], 7)]);
    expect(compareJacobians(good, numeric, FLOAT32.atol, FLOAT32.rtol).failure).toBeNull();
    expect(compareJacobians(bad, numeric, FLOAT32.atol, FLOAT32.rtol).failure).not.toBeNull();
  });

  it('refuses float32 inputs (their differences are too coarse for its tolerances)', () => {
    expect(() => gradcheck((t) => t!.exp(), [leaf('float32', [2], 1)])).toThrow(/needs float64 inputs/);
  });
});
