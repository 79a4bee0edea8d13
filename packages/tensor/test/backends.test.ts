/**
 * Differential test: every differentiable op, forward and backward, on the wasm backend (our
 * kernels), the tfjs backend (TensorFlow.js ops) and the plain-TypeScript reference; results must
 * agree to float32 rounding.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { GRAD_CASES } from './cases.js';
import { seeded } from './gradcheck.js';

interface Result {
  out: Float32Array;
  grads: (Float32Array | null)[];
}

function run(backend: torch.BackendName, make: (typeof GRAD_CASES)[number][1]): Result {
  const previous = torch.get_backend();
  torch.set_backend(backend);
  try {
    torch.manual_seed(0);
    const [f, inputs] = make();
    for (const x of inputs) expect(x.device).toBe(backend);
    const out = f(...inputs);
    expect(out.device).toBe(backend);
    const r = torch.tensor(new Float32Array(seeded(out.numel(), 99))).reshape(out.shape);
    out.backward(r);
    return { out: out.toFloat32Array(), grads: inputs.map((x) => x.grad?.toFloat32Array() ?? null) };
  } finally {
    torch.set_backend(previous);
  }
}

function expectClose(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const tol = 1e-5 + 1e-4 * Math.abs(expected[i]!);
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
