import * as torch from '../src/index.js';
import { leaf } from './gradcheck.js';

/** Every differentiable op, as (name, function, inputs). Inputs avoid kinks (0 for relu/abs, ties). */
export const GRAD_CASES: [string, () => [(...xs: torch.Tensor[]) => torch.Tensor, torch.Tensor[]]][] = [
  ['add (broadcast)', () => [(a, b) => a!.add(b!, { alpha: 2 }), [leaf([2, 3], 1), leaf([3], 2)]]],
  ['add scalar', () => [(a) => a!.add(3), [leaf([4], 1)]]],
  ['sub (broadcast)', () => [(a, b) => a!.sub(b!), [leaf([2, 1], 3), leaf([2, 3], 4)]]],
  ['mul (broadcast)', () => [(a, b) => a!.mul(b!), [leaf([2, 3], 5), leaf([2, 1], 6)]]],
  ['mul scalar', () => [(a) => a!.mul(-1.5), [leaf([3], 5)]]],
  ['div', () => [(a, b) => a!.div(b!), [leaf([2, 3], 7), leaf([3], 8, 0.5, 2)]]],
  ['div scalar', () => [(a) => a!.div(4), [leaf([3], 7)]]],
  ['pow tensor', () => [(a, b) => a!.pow(b!), [leaf([2, 3], 9, 0.5, 2), leaf([2, 3], 10, -1, 2)]]],
  ['pow scalar', () => [(a) => a!.pow(3), [leaf([5], 11)]]],
  ['neg', () => [(a) => a!.neg(), [leaf([3], 12)]]],
  ['exp', () => [(a) => a!.exp(), [leaf([3, 2], 13)]]],
  ['log', () => [(a) => a!.log(), [leaf([4], 14, 0.5, 3)]]],
  ['sqrt', () => [(a) => a!.sqrt(), [leaf([4], 15, 0.5, 3)]]],
  ['rsqrt', () => [(a) => a!.rsqrt(), [leaf([4], 16, 0.5, 3)]]],
  ['abs', () => [(a) => a!.abs(), [leaf([6], 17, -1, 1, 0.1)]]],
  ['square', () => [(a) => a!.square(), [leaf([4], 18)]]],
  ['reciprocal', () => [(a) => a!.reciprocal(), [leaf([4], 19, 0.5, 2)]]],
  ['clamp', () => [(a) => a!.clamp(-0.5, 0.5), [leaf([8], 20, -1, 1)]]],
  ['maximum', () => [(a, b) => torch.maximum(a!, b!), [leaf([6], 21), leaf([6], 22)]]],
  ['minimum', () => [(a, b) => torch.minimum(a!, b!), [leaf([6], 23), leaf([6], 24)]]],
  ['where', () => [(a, b) => torch.where(a!.gt(0), a!, b!), [leaf([6], 25, -1, 1, 0.1), leaf([6], 26)]]],
  ['relu', () => [(a) => a!.relu(), [leaf([8], 27, -1, 1, 0.1)]]],
  ['leaky_relu', () => [(a) => torch.leaky_relu(a!, 0.2), [leaf([8], 28, -1, 1, 0.1)]]],
  ['sigmoid', () => [(a) => a!.sigmoid(), [leaf([6], 29, -3, 3)]]],
  ['tanh', () => [(a) => a!.tanh(), [leaf([6], 30, -2, 2)]]],
  ['sum all', () => [(a) => a!.sum(), [leaf([2, 3], 31)]]],
  ['sum dims keepdim', () => [(a) => a!.sum([0, 2], true), [leaf([2, 3, 2], 32)]]],
  ['mean dim', () => [(a) => a!.mean(1), [leaf([2, 3, 2], 33)]]],
  ['max dim', () => [(a) => a!.max(1)[0], [leaf([3, 4], 34)]]],
  ['min dim keepdim', () => [(a) => a!.min(0, true).values, [leaf([3, 4], 35)]]],
  ['max all', () => [(a) => a!.max(), [leaf([3, 4], 36)]]],
  ['var', () => [(a) => a!.var(1), [leaf([3, 4], 37)]]],
  ['std unbiased=false', () => [(a) => a!.std(null, { unbiased: false }), [leaf([3, 4], 38)]]],
  ['matmul 2d', () => [(a, b) => a!.matmul(b!), [leaf([2, 3], 39), leaf([3, 4], 40)]]],
  ['matmul batched broadcast', () => [(a, b) => a!.matmul(b!), [leaf([2, 2, 3], 41), leaf([3, 2], 42)]]],
  ['matmul vector', () => [(a, b) => a!.matmul(b!), [leaf([3], 43), leaf([3, 2], 44)]]],
  ['matmul transposed operand', () => [(a, b) => a!.matmul(b!.t()), [leaf([2, 3], 45), leaf([4, 3], 46)]]],
  [
    'linear',
    () => [(x, w, b) => torch.linear(x!, w!, b!), [leaf([2, 3], 47), leaf([4, 3], 48), leaf([4], 49)]],
  ],
  [
    'conv2d stride/padding/bias',
    () => [
      (x, w, b) => torch.conv2d(x!, w!, b!, { stride: 2, padding: 1 }),
      [leaf([2, 2, 5, 5], 50), leaf([3, 2, 3, 3], 51), leaf([3], 52)],
    ],
  ],
  [
    'conv2d dilation/groups',
    () => [
      (x, w) => torch.conv2d(x!, w!, null, { dilation: 2, groups: 2, padding: [1, 2] }),
      [leaf([1, 4, 5, 6], 53), leaf([2, 2, 2, 2], 54)],
    ],
  ],
  [
    'conv2d_relu stride/groups',
    () => [
      (x, w, b) => torch.conv2d_relu(x!, w!, b!, { stride: 2, padding: 1, groups: 2 }),
      // seeds chosen so that no pre-activation lies within the finite difference of the ReLU kink
      [leaf([2, 4, 5, 5], 156), leaf([4, 2, 3, 3], 157), leaf([4], 158)],
    ],
  ],
  ['max_pool2d', () => [(x) => torch.max_pool2d(x!, 2), [leaf([1, 2, 4, 4], 55)]]],
  [
    'max_pool2d padding/stride/ceil',
    () => [(x) => torch.max_pool2d(x!, 3, 2, { padding: 1, ceil_mode: true }), [leaf([1, 1, 6, 6], 56)]],
  ],
  [
    'max_pool2d ceil overhanging edge',
    () => [(x) => torch.max_pool2d(x!, 2, 2, { ceil_mode: true }), [leaf([1, 2, 5, 7], 76)]],
  ],
  ['max_pool2d rectangular', () => [(x) => torch.max_pool2d(x!, [2, 3], [1, 2]), [leaf([1, 1, 4, 7], 77)]]],
  ['avg_pool2d', () => [(x) => torch.avg_pool2d(x!, 2), [leaf([1, 2, 4, 4], 57)]]],
  [
    'avg_pool2d ceil',
    () => [(x) => torch.avg_pool2d(x!, 2, 2, { ceil_mode: true }), [leaf([1, 1, 5, 5], 78)]],
  ],
  [
    'avg_pool2d padding no-count',
    () => [
      (x) => torch.avg_pool2d(x!, 3, 2, { padding: 1, count_include_pad: false }),
      [leaf([1, 1, 5, 5], 58)],
    ],
  ],
  [
    'batch_norm training',
    () => [
      (x, w, b) => torch.batch_norm(x!, null, null, { weight: w!, bias: b!, training: true }),
      [leaf([4, 3, 2, 2], 59), leaf([3], 60), leaf([3], 61)],
    ],
  ],
  [
    'batch_norm eval',
    () => {
      const rm = torch.tensor([0.1, -0.2, 0.3]);
      const rv = torch.tensor([1.5, 0.5, 2]);
      return [(x, w) => torch.batch_norm(x!, rm, rv, { weight: w! }), [leaf([4, 3], 62), leaf([3], 63)]];
    },
  ],
  ['softmax', () => [(x) => torch.softmax(x!, 1), [leaf([2, 4], 64, -2, 2)]]],
  ['softmax dim 0', () => [(x) => torch.softmax(x!, 0), [leaf([3, 2], 65, -2, 2)]]],
  ['log_softmax', () => [(x) => torch.log_softmax(x!, -1), [leaf([3, 4], 66, -2, 2)]]],
  [
    'gather',
    () => [
      (x) =>
        x!.gather(
          1,
          torch.tensor([
            [0, 2],
            [1, 1],
            [3, 0],
          ]),
        ),
      [leaf([3, 4], 67)],
    ],
  ],
  ['index_select', () => [(x) => x!.index_select(0, torch.tensor([2, 0, 2])), [leaf([3, 2], 68)]]],
  ['view/reshape/flatten', () => [(x) => x!.view(6, 2).t().reshape(-1).flatten(), [leaf([3, 4], 69)]]],
  ['permute/transpose', () => [(x) => x!.permute(2, 0, 1).transpose(0, 2).mul(2), [leaf([2, 3, 4], 70)]]],
  ['narrow/select', () => [(x) => x!.narrow(1, 1, 2).select(0, 1), [leaf([3, 4], 71)]]],
  ['expand', () => [(x) => x!.expand(3, 2, 4), [leaf([2, 1], 72)]]],
  ['squeeze/unsqueeze', () => [(x) => x!.unsqueeze(0).squeeze(2).mul(x!.sum()), [leaf([3, 1], 73)]]],
  ['clone/contiguous', () => [(x) => x!.t().contiguous().clone(), [leaf([2, 3], 74)]]],
  ['dropout', () => [(x) => torch.dropout(x!, 0.3, true), [leaf([10], 75)]]],
];
