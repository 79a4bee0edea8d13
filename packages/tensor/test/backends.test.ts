/**
 * Differential test: every differentiable op, forward and backward, on the wasm backend (our
 * kernels), the tfjs backend (TensorFlow.js ops) and the plain-TypeScript reference; results must
 * agree to float32 rounding. In float64 (which tfjs lacks) wasm and js must agree to double rounding.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { type FloatDType, GRAD_CASES, type GradCase, seeded } from './cases.js';
import { values } from './gradcheck.js';

interface Result {
  out: Float64Array;
  grads: (Float64Array | null)[];
}

function run(backend: torch.BackendName, make: GradCase[1], dtype: FloatDType = 'float32'): Result {
  const previous = torch.get_backend();
  torch.set_backend(backend);
  try {
    torch.manual_seed(0);
    const [f, inputs] = make(dtype);
    for (const x of inputs) expect(x.device).toBe(backend);
    const out = f(...inputs);
    expect(out.device).toBe(backend);
    expect(out.dtype).toBe(dtype);
    const r = torch.tensor(seeded(out.numel(), 99), { dtype }).reshape(out.shape);
    out.backward(r);
    for (const x of inputs) if (x.grad) expect(x.grad.dtype).toBe(dtype);
    return { out: values(out), grads: inputs.map((x) => (x.grad ? values(x.grad) : null)) };
  } finally {
    torch.set_backend(previous);
  }
}

/** Agreement to float32 rounding by default; pass float64-sized tolerances for float64. */
function expectClose(
  actual: Float64Array,
  expected: Float64Array,
  what: string,
  atol = 1e-5,
  rtol = 1e-4,
): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const tol = atol + rtol * Math.abs(expected[i]!);
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol)) {
      expect.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
    }
  }
}

describe('wasm and js backends agree with tfjs on every op, forward and backward', () => {
  for (const [name, make] of GRAD_CASES) {
    it(name, () => {
      const ref = run('tfjs', make);
      for (const backend of ['wasm', 'js'] as const) {
        const r = run(backend, make);
        expectClose(r.out, ref.out, `${backend} ${name} forward`);
        r.grads.forEach((g, i) => {
          expect(g === null, `${backend} ${name} grad ${i} presence`).toBe(ref.grads[i] === null);
          if (g) expectClose(g, ref.grads[i]!, `${backend} ${name} grad ${i}`);
        });
      }
    });
  }
});

describe('float64: wasm (its plain-TypeScript path on wasm memory) agrees with js on every op', () => {
  for (const [name, make] of GRAD_CASES) {
    it(name, () => {
      const ref = run('js', make, 'float64');
      const r = run('wasm', make, 'float64');
      expectClose(r.out, ref.out, `wasm ${name} float64 forward`, 1e-14, 1e-12);
      r.grads.forEach((g, i) => {
        expect(g === null, `wasm ${name} float64 grad ${i} presence`).toBe(ref.grads[i] === null);
        if (g) expectClose(g, ref.grads[i]!, `wasm ${name} float64 grad ${i}`, 1e-14, 1e-12);
      });
    });
  }

  it('tfjs refuses float64 storage and names the fix', () => {
    const previous = torch.get_backend();
    torch.set_backend('tfjs');
    try {
      expect(() => torch.zeros([2], { dtype: 'float64' })).toThrow(
        /tfjs backend has no float64.*set_backend\('wasm'\) or set_backend\('js'\)/,
      );
    } finally {
      torch.set_backend(previous);
    }
    expect(() => torch.ones([2], { dtype: 'float64' }).to('tfjs')).toThrow(/no float64/);
  });
});
