/**
 * The float64 dtype: names, promotion, storage on every backend, conversions, autograd across
 * dtypes, random numbers, and parity with PyTorch 2.13 in double precision (fixtures made by
 * tools/fixtures/tensor_float64.py).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { values } from './gradcheck.js';

interface Case {
  name: string;
  inputs: { shape: number[]; data: number[] }[];
  out_shape: number[];
  out: number[];
  upstream: number[];
  grads: number[][];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/float64.json', import.meta.url), 'utf8')) as {
  torch: string;
  cases: Case[];
  rng: Record<string, number[] | { from: number; to: number; values: number[] }>;
  errors: Record<string, string>;
  promotion: Record<string, string>;
};

const f64 = (data: number[], shape?: number[]) => {
  const t = torch.tensor(new Float64Array(data));
  return shape ? t.reshape(shape) : t;
};

afterEach(() => torch.set_backend('wasm'));

describe('float64 dtype', () => {
  it("accepts PyTorch's names and conversions", () => {
    expect(torch.zeros([2], { dtype: 'double' }).dtype).toBe('float64');
    expect(torch.ones([2], { dtype: 'float64' }).dtype).toBe('float64');
    expect(torch.ones([2]).double().dtype).toBe('float64');
    expect(torch.ones([2]).to('double').dtype).toBe('float64');
    expect(torch.ones([2], { dtype: 'float64' }).float().dtype).toBe('float32');
    expect(() => torch.zeros([2], { dtype: 'float16' as 'float32' })).toThrow(
      /Unsupported dtype 'float16': minidl tensors are float32, float64, int64/,
    );
  });

  it('infers float64 from a Float64Array (as torch.tensor of a NumPy float64 array), float32 from JS numbers', () => {
    expect(torch.tensor(new Float64Array([0.1])).dtype).toBe('float64');
    expect(torch.tensor([0.1, 0.2]).dtype).toBe('float32');
    expect(torch.tensor(new Float64Array([0.1])).item()).toBe(0.1);
    expect(torch.tensor([0.1]).item()).toBe(Math.fround(0.1));
    expect(torch.tensor(new Float64Array([0.5]), { requires_grad: true }).dtype).toBe('float64');
  });

  it('promotes like PyTorch: float32 op float64 -> float64, a JS number never promotes', () => {
    const p = fixture.promotion;
    const name = (t: torch.Tensor) => `torch.${t.dtype}`;
    const x32 = torch.ones([2, 3]);
    const x64 = torch.ones([2, 3], { dtype: 'float64' });
    expect(name(x32.add(x64))).toBe(p['float32+float64']);
    expect(name(x64.add(x32))).toBe('torch.float64');
    expect(name(x32.mul(0.1))).toBe(p['float32*python_float']);
    expect(name(torch.tensor([1, 2]).div(torch.tensor([2, 2])))).toBe(p['int64/int64']);
    expect(name(torch.tensor([1, 2]).add(torch.ones([2], { dtype: 'float64' })))).toBe(p['int64+float64']);
    expect(name(x64.sum())).toBe(p['float64.sum']);
    for (const r of [
      x64.exp(),
      x64.mul(0.5),
      x64.div(3),
      x64.pow(2),
      x64.mean(),
      x64.softmax(1),
      x64.clamp(0, 1),
    ]) {
      expect(r.dtype).toBe('float64');
    }
    expect(torch.maximum(x32, x64).dtype).toBe('float64');
    expect(torch.where(x32.gt(0), x32, x64).dtype).toBe('float64');
    expect(torch.cat([x32, x64]).dtype).toBe('float64');
  });

  it('computes in double precision end to end', () => {
    expect(
      f64([0.1])
        .add(f64([0.2]))
        .item(),
    ).toBe(0.1 + 0.2);
    expect(f64([0.1]).add(0.2).item()).toBe(0.1 + 0.2);
    const a = f64([1 + 2 ** -40, 1], [1, 2]);
    const b = f64([1 - 2 ** -40, 1], [2, 1]);
    // (1 + e)(1 - e) + 1 = 2 - e^2: float32 products could not resolve 2^-40 at all
    expect(a.matmul(b).item()).toBe((1 + 2 ** -40) * (1 - 2 ** -40) + 1);
    expect(f64([1e-300]).mul(1e-10).item()).toBe(1e-310);
  });

  it('keeps its storage 8 bytes wide and 8-byte aligned in wasm memory', () => {
    const t = torch.arange(5, { dtype: 'float64' });
    expect(t.device).toBe('wasm');
    const data = t.storage.data;
    expect(data).toBeInstanceOf(Float64Array);
    expect(data.byteOffset % 8).toBe(0);
    expect(Array.from(data)).toEqual([0, 1, 2, 3, 4]);
    expect(torch.memory_stats()!.bytesInUse).toBeGreaterThanOrEqual(40);
  });

  it('converts between every pair of dtypes, dense and strided, on wasm and js', () => {
    const src = [0, 1.75, -2.5, 3, 0.5, -1];
    const dtypes: torch.DType[] = ['float32', 'float64', 'int64', 'int32', 'bool'];
    for (const backend of ['wasm', 'js'] as const) {
      torch.set_backend(backend);
      for (const from of dtypes) {
        const base = torch.tensor(src, { dtype: 'float64' }).to(from);
        const held = convert(src, from).map(Number); // what `base` holds, as numbers
        for (const to of dtypes) {
          const want = convert(held, to);
          const what = `${backend} ${from}->${to}`;
          const dense = base.to(to);
          expect(dense.dtype, what).toBe(to);
          expect(dense.tolist(), what).toEqual(want);
          // a transposed (strided) source goes through the strided copy
          const strided = base.reshape([2, 3]).t().to(to);
          expect(strided.t().reshape([-1]).tolist(), `${what} strided`).toEqual(want);
        }
      }
    }
  });

  it('item() is a number (a bool gives 1 or 0, as True == 1 in Python); tolist() keeps booleans', () => {
    expect(torch.tensor([true]).item()).toBe(1);
    expect(torch.tensor([1, 2]).gt(1).any().item()).toBe(1);
    expect(torch.tensor([1, 2]).gt(1).all().item()).toBe(0);
    expect(torch.tensor([7]).item()).toBe(7);
    expect(torch.tensor([2, 3]).sum().item()).toBe(5);
    expect(torch.tensor([1, 0]).bool().tolist()).toEqual([true, false]);
    // PyTorch prints True where JS prints true
    expect(String(torch.tensor(true).tolist())).toBe(fixture.promotion['bool.item']!.toLowerCase());
  });
});

/** Expected values of converting `vs` (floats or ints) to `to`: truncation towards 0, or != 0. */
function convert(vs: number[], to: torch.DType): (number | boolean)[] {
  if (to === 'bool') return vs.map((v) => v !== 0);
  if (to === 'int64' || to === 'int32') return vs.map(Math.trunc);
  return vs;
}

describe('autograd in float64 and across dtypes', () => {
  it('gives float64 gradients for float64 leaves', () => {
    const x = f64([0.5, -1.5], [2]).requires_grad_();
    x.mul(x).sum().backward();
    expect(x.grad!.dtype).toBe('float64');
    expect(x.grad!.tolist()).toEqual([1, -3]);
  });

  it('converts each gradient to its input dtype (float32 leaf in a float64 product)', () => {
    const a = torch.tensor([0.1, 0.2], { requires_grad: true });
    const b = torch.tensor(new Float64Array([0.3, 0.7]), { requires_grad: true });
    const y = a.mul(b);
    expect(y.dtype).toBe('float64');
    y.sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(a.grad!.tolist()).toEqual([Math.fround(0.3), Math.fround(0.7)]);
    expect(b.grad!.dtype).toBe('float64');
    expect(b.grad!.tolist()).toEqual([Math.fround(0.1), Math.fround(0.2)]);
  });

  it('.double() is differentiable (ToCopyBackward0), back to float32', () => {
    const x = torch.tensor([1.5, 2], { requires_grad: true });
    const y = x.double();
    expect(y.grad_fn!.name).toBe('ToCopyBackward0');
    y.mul(y).sum().backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(x.grad!.tolist()).toEqual([3, 4]);
    expect(torch.tensor([1, 2]).double().requires_grad).toBe(false);
  });

  it("refuses to mix float32 and float64 where PyTorch does, with PyTorch's messages", () => {
    const e = fixture.errors;
    const x32 = torch.ones([2, 3]);
    const x64 = torch.ones([2, 3], { dtype: 'float64' });
    expect(() => torch.matmul(x32, x64.t())).toThrow(e.matmul_float_double);
    const img = torch.ones([1, 1, 3, 3], { dtype: 'float64' });
    expect(() => torch.conv2d(img, torch.ones([1, 1, 2, 2]))).toThrow(e.conv2d_double_input_float_weight);
    expect(() => torch.conv2d(img, torch.ones([1, 1, 2, 2], { dtype: 'float64' }), torch.ones([1]))).toThrow(
      e.conv2d_double_bias_float,
    );
    expect(() => torch.batch_norm(x64, torch.zeros([3]), torch.ones([3]))).toThrow(e.batch_norm_mixed);
    expect(() => torch.linear(x64, torch.ones([4, 3]))).toThrow(e.linear_double_float);
    expect(() => torch.linear(x64, torch.ones([4, 3]), torch.ones([4]))).toThrow(e.linear_bias_double_float);
  });
});

describe('float64 random numbers, bit for bit with PyTorch', () => {
  it('rand draws 53-bit double uniforms', () => {
    for (const seed of [0, 1, 7]) {
      torch.manual_seed(seed);
      expect(torch.rand(9, { dtype: 'float64' }).tolist()).toEqual(fixture.rng[`rand64_seed${seed}`]);
    }
  });

  it('uniform_ applies the fused multiply-add and fills views in memory order', () => {
    const entries = Object.entries(fixture.rng).filter(([k]) => k.startsWith('uniform64_seed'));
    expect(entries.length).toBe(4);
    for (const [key, spec] of entries) {
      const { from, to, values: want } = spec as { from: number; to: number; values: number[] };
      torch.manual_seed(Number(/seed(\d+)/.exec(key)![1]));
      expect(torch.empty(40, { dtype: 'float64' }).uniform_(from, to).tolist(), key).toEqual(want);
    }
    torch.manual_seed(2);
    const t = torch.empty([3, 4], { dtype: 'float64' }).t();
    t.uniform_(-2, 2);
    expect(t.reshape([-1]).tolist()).toEqual(fixture.rng.uniform64_transposed_seed2);
  });

  it('dropout of a float64 tensor scales by 1 / (1 - p) in double', () => {
    torch.manual_seed(4);
    const out = torch.dropout(torch.ones([24], { dtype: 'float64' }), 0.3, true);
    expect(out.dtype).toBe('float64');
    expect(out.tolist()).toEqual(fixture.rng['dropout64_seed4_p0.3']);
  });

  it('refuses normal_/randn for float64 (PyTorch uses libm doubles there) and names the fix', () => {
    expect(() => torch.randn([3], { dtype: 'float64' })).toThrow(
      /for float64 is not supported.*draw float32 and call \.double\(\)/,
    );
    expect(() => torch.empty([20], { dtype: 'float64' }).normal_()).toThrow(/float64 is not supported/);
    expect(() => torch.empty([2], { dtype: 'float64' }).uniform_(Number.POSITIVE_INFINITY, 1)).toThrow(
      'from is out of bounds for double',
    );
  });
});

/** Our spelling of each fixture case. */
const OPS: Record<string, (...xs: torch.Tensor[]) => torch.Tensor> = {
  matmul_batched: (a, b) => torch.matmul(a!, b!),
  linear: (x, w, b) => torch.linear(x!, w!, b!),
  conv2d: (x, w, b) => torch.conv2d(x!, w!, b!, { stride: 2, padding: 1 }),
  conv2d_groups_dilation: (x, w) => torch.conv2d(x!, w!, null, { dilation: 2, groups: 2, padding: [1, 2] }),
  max_pool2d: (x) => torch.max_pool2d(x!, 3, 2, { padding: 1, ceil_mode: true }),
  avg_pool2d: (x) => torch.avg_pool2d(x!, 3, 2, { padding: 1, count_include_pad: false }),
  batch_norm_training: (x, w, b) =>
    torch.batch_norm(x!, null, null, { weight: w!, bias: b!, training: true }),
  softmax: (x) => torch.softmax(x!, 1),
  log_softmax: (x) => torch.log_softmax(x!, -1),
  sigmoid_tanh_exp_log: (x) => x!.sigmoid().mul(x!.tanh()).exp().add(x!.abs().log()),
};

function expectDoubleClose(actual: Float64Array, expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const tol = 1e-14 + 1e-12 * Math.abs(expected[i]!);
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol))
      expect.fail(`${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe(`float64 forward and backward match PyTorch ${fixture.torch} to 1e-12`, () => {
  it('covers every fixture case', () => {
    expect(fixture.cases.map((c) => c.name).sort()).toEqual(Object.keys(OPS).sort());
  });
  for (const backend of ['wasm', 'js'] as const) {
    for (const c of fixture.cases) {
      it(`${c.name} (${backend})`, () => {
        torch.set_backend(backend);
        const inputs = c.inputs.map((i) => f64(i.data, i.shape).requires_grad_());
        const out = OPS[c.name]!(...inputs);
        expect(out.dtype).toBe('float64');
        expect(out.shape).toEqual(c.out_shape);
        expectDoubleClose(values(out), c.out, `${c.name} forward`);
        out.backward(f64(c.upstream, c.out_shape));
        inputs.forEach((x, i) => {
          expect(x.grad!.dtype).toBe('float64');
          expectDoubleClose(values(x.grad!), c.grads[i]!, `${c.name} grad ${i}`);
        });
      });
    }
  }
});
