import * as torch from '../src/index.js';

/** The float dtypes a case can be built in. */
export type FloatDType = 'float32' | 'float64';

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

/**
 * A leaf of `dtype` and `shape` with seeded values, away from 0 by at least `gap` if given. The
 * values are float32 numbers in either dtype, so a case built in float32 and in float64 evaluates
 * its op at exactly the same point.
 */
export function leaf(
  dtype: FloatDType,
  shape: number[],
  seed: number,
  lo = -1,
  hi = 1,
  gap = 0,
): torch.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const vals = seeded(n, seed, lo, hi).map((v) =>
    Math.fround(Math.abs(v) < gap ? v + Math.sign(v || 1) * gap : v),
  );
  return torch.tensor(vals, { dtype }).reshape(shape).requires_grad_(true);
}

/** An op under test: its name, and a builder of the function and its leaves in a dtype. */
export type GradCase = [
  string,
  (dtype: FloatDType) => [(...xs: torch.Tensor[]) => torch.Tensor, torch.Tensor[]],
];

/**
 * Every differentiable op. Inputs avoid kinks (0 for relu/abs, ties of max/min) by far more than the
 * finite-difference steps used on them.
 */
export const GRAD_CASES: GradCase[] = [
  ['add (broadcast)', (dt) => [(a, b) => a!.add(b!, { alpha: 2 }), [leaf(dt, [2, 3], 1), leaf(dt, [3], 2)]]],
  ['add scalar', (dt) => [(a) => a!.add(3), [leaf(dt, [4], 1)]]],
  ['sub (broadcast)', (dt) => [(a, b) => a!.sub(b!), [leaf(dt, [2, 1], 3), leaf(dt, [2, 3], 4)]]],
  ['mul (broadcast)', (dt) => [(a, b) => a!.mul(b!), [leaf(dt, [2, 3], 5), leaf(dt, [2, 1], 6)]]],
  ['mul scalar', (dt) => [(a) => a!.mul(-1.5), [leaf(dt, [3], 5)]]],
  ['div', (dt) => [(a, b) => a!.div(b!), [leaf(dt, [2, 3], 7), leaf(dt, [3], 8, 0.5, 2)]]],
  ['div scalar', (dt) => [(a) => a!.div(4), [leaf(dt, [3], 7)]]],
  ['pow tensor', (dt) => [(a, b) => a!.pow(b!), [leaf(dt, [2, 3], 9, 0.5, 2), leaf(dt, [2, 3], 10, -1, 2)]]],
  ['pow scalar', (dt) => [(a) => a!.pow(3), [leaf(dt, [5], 11)]]],
  ['neg', (dt) => [(a) => a!.neg(), [leaf(dt, [3], 12)]]],
  ['exp', (dt) => [(a) => a!.exp(), [leaf(dt, [3, 2], 13)]]],
  ['log', (dt) => [(a) => a!.log(), [leaf(dt, [4], 14, 0.5, 3)]]],
  ['sqrt', (dt) => [(a) => a!.sqrt(), [leaf(dt, [4], 15, 0.5, 3)]]],
  ['rsqrt', (dt) => [(a) => a!.rsqrt(), [leaf(dt, [4], 16, 0.5, 3)]]],
  ['abs', (dt) => [(a) => a!.abs(), [leaf(dt, [6], 17, -1, 1, 0.1)]]],
  ['square', (dt) => [(a) => a!.square(), [leaf(dt, [4], 18)]]],
  ['reciprocal', (dt) => [(a) => a!.reciprocal(), [leaf(dt, [4], 19, 0.5, 2)]]],
  ['clamp', (dt) => [(a) => a!.clamp(-0.5, 0.5), [leaf(dt, [8], 20, -1, 1)]]],
  ['maximum', (dt) => [(a, b) => torch.maximum(a!, b!), [leaf(dt, [6], 21), leaf(dt, [6], 22)]]],
  ['minimum', (dt) => [(a, b) => torch.minimum(a!, b!), [leaf(dt, [6], 23), leaf(dt, [6], 24)]]],
  [
    'where',
    (dt) => [(a, b) => torch.where(a!.gt(0), a!, b!), [leaf(dt, [6], 25, -1, 1, 0.1), leaf(dt, [6], 26)]],
  ],
  ['relu', (dt) => [(a) => a!.relu(), [leaf(dt, [8], 27, -1, 1, 0.1)]]],
  ['leaky_relu', (dt) => [(a) => torch.leaky_relu(a!, 0.2), [leaf(dt, [8], 28, -1, 1, 0.1)]]],
  ['sigmoid', (dt) => [(a) => a!.sigmoid(), [leaf(dt, [6], 29, -3, 3)]]],
  ['tanh', (dt) => [(a) => a!.tanh(), [leaf(dt, [6], 30, -2, 2)]]],
  ['sum all', (dt) => [(a) => a!.sum(), [leaf(dt, [2, 3], 31)]]],
  ['sum dims keepdim', (dt) => [(a) => a!.sum([0, 2], true), [leaf(dt, [2, 3, 2], 32)]]],
  ['mean dim', (dt) => [(a) => a!.mean(1), [leaf(dt, [2, 3, 2], 33)]]],
  ['max dim', (dt) => [(a) => a!.max(1)[0], [leaf(dt, [3, 4], 34)]]],
  ['min dim keepdim', (dt) => [(a) => a!.min(0, true).values, [leaf(dt, [3, 4], 35)]]],
  ['max all', (dt) => [(a) => a!.max(), [leaf(dt, [3, 4], 36)]]],
  ['var', (dt) => [(a) => a!.var(1), [leaf(dt, [3, 4], 37)]]],
  ['std unbiased=false', (dt) => [(a) => a!.std(null, { unbiased: false }), [leaf(dt, [3, 4], 38)]]],
  ['matmul 2d', (dt) => [(a, b) => a!.matmul(b!), [leaf(dt, [2, 3], 39), leaf(dt, [3, 4], 40)]]],
  [
    'matmul batched broadcast',
    (dt) => [(a, b) => a!.matmul(b!), [leaf(dt, [2, 2, 3], 41), leaf(dt, [3, 2], 42)]],
  ],
  ['matmul vector', (dt) => [(a, b) => a!.matmul(b!), [leaf(dt, [3], 43), leaf(dt, [3, 2], 44)]]],
  [
    'matmul transposed operand',
    (dt) => [(a, b) => a!.matmul(b!.t()), [leaf(dt, [2, 3], 45), leaf(dt, [4, 3], 46)]],
  ],
  [
    'linear',
    (dt) => [
      (x, w, b) => torch.linear(x!, w!, b!),
      [leaf(dt, [2, 3], 47), leaf(dt, [4, 3], 48), leaf(dt, [4], 49)],
    ],
  ],
  [
    'conv2d stride/padding/bias',
    (dt) => [
      (x, w, b) => torch.conv2d(x!, w!, b!, { stride: 2, padding: 1 }),
      [leaf(dt, [2, 2, 5, 5], 50), leaf(dt, [3, 2, 3, 3], 51), leaf(dt, [3], 52)],
    ],
  ],
  [
    'conv2d dilation/groups',
    (dt) => [
      (x, w) => torch.conv2d(x!, w!, null, { dilation: 2, groups: 2, padding: [1, 2] }),
      [leaf(dt, [1, 4, 5, 6], 53), leaf(dt, [2, 2, 2, 2], 54)],
    ],
  ],
  [
    'conv2d_relu stride/groups',
    (dt) => [
      (x, w, b) => torch.conv2d_relu(x!, w!, b!, { stride: 2, padding: 1, groups: 2 }),
      // seeds chosen so that no pre-activation lies within the finite difference of the ReLU kink
      [leaf(dt, [2, 4, 5, 5], 156), leaf(dt, [4, 2, 3, 3], 157), leaf(dt, [4], 158)],
    ],
  ],
  ['max_pool2d', (dt) => [(x) => torch.max_pool2d(x!, 2), [leaf(dt, [1, 2, 4, 4], 55)]]],
  [
    'max_pool2d padding/stride/ceil',
    (dt) => [
      (x) => torch.max_pool2d(x!, 3, 2, { padding: 1, ceil_mode: true }),
      [leaf(dt, [1, 1, 6, 6], 56)],
    ],
  ],
  [
    'max_pool2d ceil overhanging edge',
    (dt) => [(x) => torch.max_pool2d(x!, 2, 2, { ceil_mode: true }), [leaf(dt, [1, 2, 5, 7], 76)]],
  ],
  [
    'max_pool2d rectangular',
    (dt) => [(x) => torch.max_pool2d(x!, [2, 3], [1, 2]), [leaf(dt, [1, 1, 4, 7], 77)]],
  ],
  ['avg_pool2d', (dt) => [(x) => torch.avg_pool2d(x!, 2), [leaf(dt, [1, 2, 4, 4], 57)]]],
  [
    'avg_pool2d ceil',
    (dt) => [(x) => torch.avg_pool2d(x!, 2, 2, { ceil_mode: true }), [leaf(dt, [1, 1, 5, 5], 78)]],
  ],
  [
    'avg_pool2d padding no-count',
    (dt) => [
      (x) => torch.avg_pool2d(x!, 3, 2, { padding: 1, count_include_pad: false }),
      [leaf(dt, [1, 1, 5, 5], 58)],
    ],
  ],
  [
    'batch_norm training',
    (dt) => [
      (x, w, b) => torch.batch_norm(x!, null, null, { weight: w!, bias: b!, training: true }),
      [leaf(dt, [4, 3, 2, 2], 59), leaf(dt, [3], 60), leaf(dt, [3], 61)],
    ],
  ],
  [
    'batch_norm eval',
    (dt) => {
      const rm = torch.tensor([0.1, -0.2, 0.3], { dtype: dt });
      const rv = torch.tensor([1.5, 0.5, 2], { dtype: dt });
      return [
        (x, w) => torch.batch_norm(x!, rm, rv, { weight: w! }),
        [leaf(dt, [4, 3], 62), leaf(dt, [3], 63)],
      ];
    },
  ],
  ['softmax', (dt) => [(x) => torch.softmax(x!, 1), [leaf(dt, [2, 4], 64, -2, 2)]]],
  ['softmax dim 0', (dt) => [(x) => torch.softmax(x!, 0), [leaf(dt, [3, 2], 65, -2, 2)]]],
  ['log_softmax', (dt) => [(x) => torch.log_softmax(x!, -1), [leaf(dt, [3, 4], 66, -2, 2)]]],
  [
    'gather',
    (dt) => [
      (x) =>
        x!.gather(
          1,
          torch.tensor([
            [0, 2],
            [1, 1],
            [3, 0],
          ]),
        ),
      [leaf(dt, [3, 4], 67)],
    ],
  ],
  ['index_select', (dt) => [(x) => x!.index_select(0, torch.tensor([2, 0, 2])), [leaf(dt, [3, 2], 68)]]],
  [
    'a small CNN: conv2d, relu, max_pool2d, flatten, linear',
    (dt) => [
      (x, w, b, fc) =>
        torch
          .max_pool2d(torch.conv2d(x!, w!, b!, { padding: 1 }).relu(), 2)
          .flatten(1)
          .matmul(fc!.t()),
      [leaf(dt, [2, 1, 4, 4], 94), leaf(dt, [2, 1, 3, 3], 95), leaf(dt, [2], 96), leaf(dt, [3, 8], 97)],
    ],
  ],
  [
    'pad reflect (2 dims)',
    (dt) => [(x) => torch.pad(x!, [2, 1, 1, 2], { mode: 'reflect' }), [leaf(dt, [1, 2, 3, 4], 90)]],
  ],
  ['pad replicate', (dt) => [(x) => torch.pad(x!, [3, 1], { mode: 'replicate' }), [leaf(dt, [2, 3], 91)]]],
  [
    'pad circular',
    (dt) => [(x) => torch.pad(x!, [1, 2, 2, 0], { mode: 'circular' }), [leaf(dt, [2, 3, 3], 92)]],
  ],
  [
    'pad constant, cropping',
    (dt) => [(x) => torch.pad(x!, [1, -1, -2, 2], { value: 0.5 }), [leaf(dt, [2, 4, 3], 93)]],
  ],
  ['view/reshape/flatten', (dt) => [(x) => x!.view(6, 2).t().reshape(-1).flatten(), [leaf(dt, [3, 4], 69)]]],
  [
    'permute/transpose',
    (dt) => [(x) => x!.permute(2, 0, 1).transpose(0, 2).mul(2), [leaf(dt, [2, 3, 4], 70)]],
  ],
  ['narrow/select', (dt) => [(x) => x!.narrow(1, 1, 2).select(0, 1), [leaf(dt, [3, 4], 71)]]],
  ['expand', (dt) => [(x) => x!.expand(3, 2, 4), [leaf(dt, [2, 1], 72)]]],
  ['squeeze/unsqueeze', (dt) => [(x) => x!.unsqueeze(0).squeeze(2).mul(x!.sum()), [leaf(dt, [3, 1], 73)]]],
  ['clone/contiguous', (dt) => [(x) => x!.t().contiguous().clone(), [leaf(dt, [2, 3], 74)]]],
  ['dropout', (dt) => [(x) => torch.dropout(x!, 0.3, true), [leaf(dt, [10], 75)]]],
  ['sub scalar', (dt) => [(a) => a!.sub(0.5, { alpha: 2 }), [leaf(dt, [4], 79)]]],
  ['min all', (dt) => [(a) => a!.min(), [leaf(dt, [3, 4], 80)]]],
  [
    'sign/floor/ceil/round (zero gradients)',
    // values at least 0.1 from the integers and half-integers where these step
    (dt) => [
      (a) => a!.sign().add(a!.floor()).add(a!.ceil()).add(a!.round()).add(a!),
      [leaf(dt, [6], 81, 0.1, 0.4)],
    ],
  ],
  ['cat', (dt) => [(a, b) => torch.cat([a!, b!], 1), [leaf(dt, [2, 3], 82), leaf(dt, [2, 2], 83)]]],
  ['stack', (dt) => [(a, b) => torch.stack([a!, b!], 1), [leaf(dt, [2, 3], 84), leaf(dt, [2, 3], 85)]]],
  ['to another backend and back', (dt) => [(a) => a!.to('js').exp().to(a!.device), [leaf(dt, [4], 86)]]],
  [
    'in-place ops on a non-leaf',
    (dt) => [
      (a, b) => {
        const y = a!.mul(1);
        y.add_(b!, { alpha: 2 }).mul_(b!).div_(b!.add(3)).pow_(2).sub_(a!).clamp_(-10, 10);
        return y;
      },
      [leaf(dt, [5], 87), leaf(dt, [5], 88)],
    ],
  ],
];
