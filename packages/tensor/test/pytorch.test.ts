/**
 * Parity with PyTorch 2.13: forward values and gradients of every op family, bit-exact random
 * numbers, and PyTorch's error messages, against fixtures made by tools/fixtures/tensor_ops.py.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';

interface Case {
  name: string;
  inputs: { shape: number[]; data: number[]; requires_grad: boolean }[];
  out_shape: number[];
  out: number[];
  out_dtype: string;
  upstream?: number[];
  grads?: (number[] | null)[];
  running?: { mean: number[]; var: number[] };
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/tensor_ops.json', import.meta.url), 'utf8')) as {
  torch: string;
  cases: Case[];
  rng: Record<string, number[]>;
  errors: Record<string, string>;
};

const T = torch.tensor;
const idx = (rows: number[][]) => T(rows);
let bnRunning: { mean: torch.Tensor; var: torch.Tensor } | null = null;

/** Our spelling of each fixture case. */
const OPS: Record<string, (...xs: torch.Tensor[]) => torch.Tensor> = {
  add_broadcast: (a, b) => torch.add(a!, b!, { alpha: 2 }),
  sub: (a, b) => a!.sub(b!),
  mul: (a, b) => a!.mul(b!),
  div: (a, b) => a!.div(b!),
  pow_tensor: (a, b) => a!.pow(b!),
  pow_scalar: (a) => a!.pow(3),
  exp: (a) => a!.exp(),
  log: (a) => a!.log(),
  sqrt: (a) => a!.sqrt(),
  rsqrt: (a) => a!.rsqrt(),
  abs: (a) => a!.abs(),
  clamp: (a) => a!.clamp(-0.5, 0.5),
  maximum: (a, b) => torch.maximum(a!, b!),
  where: (a, b) => torch.where(a!.gt(0), a!, b!),
  relu: (a) => torch.relu(a!),
  leaky_relu: (a) => torch.leaky_relu(a!, 0.2),
  sigmoid: (a) => torch.sigmoid(a!),
  tanh: (a) => torch.tanh(a!),
  sum_dims_keepdim: (a) => a!.sum([0, 2], true),
  mean_dim: (a) => a!.mean(1),
  max_dim_values: (a) => a!.max(1).values,
  max_dim_indices: (a) => a!.max(1).indices,
  max_all: (a) => a!.max(),
  argmax_flat: (a) => a!.argmax(),
  var_dim: (a) => a!.var(1),
  std_biased: (a) => a!.std(null, { unbiased: false }),
  matmul_2d: (a, b) => torch.matmul(a!, b!),
  matmul_batched_broadcast: (a, b) => torch.matmul(a!, b!),
  matmul_vector: (a, b) => torch.matmul(a!, b!),
  linear: (x, w, b) => torch.linear(x!, w!, b!),
  conv2d_stride_padding_bias: (x, w, b) => torch.conv2d(x!, w!, b!, { stride: 2, padding: 1 }),
  conv2d_dilation_groups: (x, w) => torch.conv2d(x!, w!, null, { dilation: 2, groups: 2, padding: [1, 2] }),
  max_pool2d: (x) => torch.max_pool2d(x!, 2),
  max_pool2d_pad_ceil: (x) => torch.max_pool2d(x!, 3, 2, { padding: 1, ceil_mode: true }),
  max_pool2d_ceil_overhang: (x) => torch.max_pool2d(x!, 2, 2, { ceil_mode: true }),
  max_pool2d_rect: (x) => torch.max_pool2d(x!, [2, 3], [1, 2]),
  avg_pool2d: (x) => torch.avg_pool2d(x!, 2),
  avg_pool2d_ceil: (x) => torch.avg_pool2d(x!, 2, 2, { ceil_mode: true }),
  avg_pool2d_pad_nocount: (x) => torch.avg_pool2d(x!, 3, 2, { padding: 1, count_include_pad: false }),
  batch_norm_train: (x, w, b) => {
    bnRunning = { mean: torch.zeros([3]), var: torch.ones([3]) };
    return torch.batch_norm(x!, bnRunning.mean, bnRunning.var, {
      weight: w!,
      bias: b!,
      training: true,
      momentum: 0.1,
    });
  },
  batch_norm_eval: (x, w) => torch.batch_norm(x!, T([0.1, -0.2, 0.3]), T([1.5, 0.5, 2.0]), { weight: w! }),
  softmax: (x) => torch.softmax(x!, 1),
  log_softmax: (x) => torch.log_softmax(x!, -1),
  gather: (x) =>
    x!.gather(
      1,
      idx([
        [0, 2],
        [1, 1],
        [3, 0],
      ]),
    ),
  index_select: (x) => x!.index_select(0, T([2, 0, 2])),
  cat: (a, b) => torch.cat([a!, b!], 1),
  stack: (a, b) => torch.stack([a!, b!], 1),
  nll_of_log_softmax: (x) =>
    torch
      .log_softmax(x!, 1)
      .gather(1, idx([[1], [0], [3]]))
      .mean()
      .neg(),
};

function expectClose(
  actual: ArrayLike<number>,
  expected: readonly number[],
  what: string,
  rtol = 1e-5,
  atol = 1e-6,
) {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= atol + rtol * Math.abs(expected[i]!))) {
      expect.fail(`${what}[${i}]: minidl ${actual[i]} vs PyTorch ${expected[i]}`);
    }
  }
}

const DTYPES: Record<string, torch.DType> = { float32: 'float32', int64: 'int64', bool: 'bool' };

describe(`forward and backward match PyTorch ${fixture.torch}`, () => {
  for (const backend of ['wasm', 'tfjs'] as const) {
    for (const c of fixture.cases) {
      it(`${c.name} (${backend})`, () => {
        torch.set_backend(backend);
        try {
          const inputs = c.inputs.map((inp) =>
            T(new Float32Array(inp.data)).reshape(inp.shape).requires_grad_(inp.requires_grad),
          );
          const op = OPS[c.name];
          if (!op) throw new Error(`no minidl spelling for fixture case ${c.name}`);
          const out = op(...inputs);
          expect(out.shape).toEqual(c.out_shape);
          expect(out.dtype).toBe(DTYPES[c.out_dtype]);
          expectClose(out.toFloat32Array(), c.out, 'forward');
          if (c.running) {
            expectClose(bnRunning!.mean.toFloat32Array(), c.running.mean, 'running_mean');
            expectClose(bnRunning!.var.toFloat32Array(), c.running.var, 'running_var');
          }
          if (c.grads) {
            out.backward(T(new Float32Array(c.upstream!)).reshape(c.out_shape));
            c.grads.forEach((g, i) => {
              if (g === null) expect(inputs[i]!.grad).toBeNull();
              else expectClose(inputs[i]!.grad!.toFloat32Array(), g, `grad ${i}`, 1e-4, 1e-5);
            });
          }
        } finally {
          torch.set_backend('wasm');
        }
      });
    }
  }
});

describe('random numbers are bit-exact with PyTorch', () => {
  const r = fixture.rng;
  const exact = (t: torch.Tensor, expected: number[]) =>
    expect(Array.from(t.toFloat32Array())).toEqual(expected);

  it('rand, randn (fill and scalar paths), randint, randperm after manual_seed', () => {
    torch.manual_seed(0);
    exact(torch.rand([3, 5]), r.rand_3x5_seed0!);
    torch.manual_seed(1);
    exact(torch.randn([20]), r.randn_20_seed1!);
    torch.manual_seed(2);
    exact(torch.randn([5]), r.randn_5_seed2!);
    torch.manual_seed(3);
    const ri = torch.randint(0, 10, [7]);
    expect(ri.dtype).toBe('int64');
    expect(ri.tolist()).toEqual(r.randint_0_10_7_seed3);
    torch.manual_seed(4);
    expect(torch.randperm(10).tolist()).toEqual(r.randperm_10_seed4);
    torch.manual_seed(7);
    const a = torch.rand([3]);
    const b = torch.randn([17]);
    expect([...a.toFloat32Array(), ...b.toFloat32Array()]).toEqual(r.rand3_then_randn17_seed7);
  });

  it('uniform_ and normal_ on transposed views draw in memory order', () => {
    torch.manual_seed(5);
    const t = torch.empty([4, 6]);
    t.t().uniform_(-1, 1);
    exact(t, r.uniform_transposed_4x6_seed5!);
    torch.manual_seed(6);
    const u = torch.empty([6, 4]);
    u.t().normal_(0.5, 2.0);
    exact(u, r.normal_transposed_6x4_seed6!);
  });

  it('draws from an explicit generator', () => {
    const g = new torch.Generator().manual_seed(8);
    exact(torch.rand([4], { generator: g }), r.generator_rand_4_seed8!);
  });
});

describe("PyTorch's error messages", () => {
  const e = fixture.errors;
  const cases: [string, () => unknown][] = [
    ['view_invalid', () => torch.zeros([20]).view(3, 7)],
    ['mm_mismatch', () => torch.zeros([2, 5]).matmul(torch.zeros([3, 4]))],
    ['broadcast', () => torch.zeros([2, 3]).add(torch.zeros([4]))],
    ['dim_range', () => torch.zeros([2, 3]).sum(3)],
    ['int_requires_grad', () => torch.zeros([2], { dtype: 'int64' }).requires_grad_()],
    ['leaf_inplace', () => torch.zeros([2], { requires_grad: true }).add_(1)],
    ['nonscalar_backward', () => torch.zeros([2], { requires_grad: true }).mul(2).backward()],
    [
      'second_backward',
      () => {
        const x = torch.ones([2], { requires_grad: true });
        const y = x.mul(x).sum();
        y.backward();
        y.backward();
      },
    ],
    [
      'modified_saved',
      () => {
        const x = torch.ones([2], { requires_grad: true });
        const z = x.mul(1).exp();
        z.add_(1);
        z.sum().backward();
      },
    ],
    ['expand', () => torch.zeros([2, 3]).expand(2, 4)],
    ['select_range', () => torch.zeros([3, 4]).select(0, 5)],
    ['conv_channels', () => torch.conv2d(torch.zeros([1, 3, 8, 8]), torch.zeros([16, 1, 3, 3]))],
    ['mean_int', () => torch.zeros([2], { dtype: 'int64' }).mean()],
    ['cast_inplace', () => torch.zeros([2], { dtype: 'int64' }).add_(torch.zeros([2]))],
    ['item_many', () => torch.zeros([2]).item()],
    ['bn_one_value', () => torch.batch_norm(torch.zeros([1, 10]), null, null, { training: true })],
  ];
  for (const [key, fn] of cases) {
    it(key, () => {
      // PyTorch sometimes appends a hint after the message; ours must start with the same words
      const expected = e[key]!.replace(/ Hint: .*$/, '');
      expect(fn).toThrow(expected);
    });
  }
});
