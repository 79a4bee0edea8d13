/**
 * Layer behaviour beyond the parity fixtures: printed forms against PyTorch's repr, max-pool
 * indices, dropout's statistics, the functional forms agreeing with the modules, and gradients
 * against central finite differences.
 */

import * as init from '@minidl/init';
import type { Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';
import { describe, expect, it } from 'vitest';
import { F, nn } from '../src/index.js';
import { decode, type Encoded, expectClose, loadFixture } from './helpers.js';

const fixture = loadFixture<{
  reprs: string[];
  maxpool_indices: { input: Encoded; output: Encoded; indices: Encoded };
}>('layers.json');

describe('printed forms', () => {
  it("match PyTorch's repr for every layer and option shown", () => {
    const layers: nn.Module[] = [
      new nn.Sequential(
        new nn.Conv2d(1, 16, 3, { padding: 1 }),
        new nn.ReLU(),
        new nn.MaxPool2d(2, 2),
        new nn.BatchNorm2d(16),
        new nn.Flatten(),
        new nn.Dropout(0.25),
        new nn.Linear(16 * 14 * 14, 10, false),
        new nn.LogSoftmax({ dim: 1 }),
      ),
      new nn.Conv2d(4, 8, [2, 3], { stride: 2, padding: 'valid', dilation: 2, groups: 2, bias: false }),
      new nn.Conv2d(1, 1, 3, { padding: 'same' }),
      new nn.AvgPool2d(3, { stride: 2, padding: 1 }),
      new nn.AvgPool2d(2, { ceil_mode: true, count_include_pad: false, divisor_override: 3 }),
      new nn.LeakyReLU(0.2),
      new nn.Sigmoid(),
      new nn.Tanh(),
      new nn.Softmax({ dim: -1 }),
      new nn.Identity(),
      new nn.BatchNorm1d(50, { eps: 1e-3, momentum: null, affine: false, track_running_stats: false }),
      new nn.MaxPool2d([2, 3], { stride: 1, padding: 1, dilation: 2, ceil_mode: true }),
      new nn.CrossEntropyLoss(),
      new nn.MSELoss(),
      new nn.Flatten(0, 2),
      new nn.ModuleList([
        new nn.Linear(2, 2),
        new nn.Linear(2, 2),
        new nn.Linear(2, 2),
        new nn.ReLU(),
        new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU()),
        new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU()),
      ]),
      new nn.ModuleList(),
      new nn.Conv2d(2, 4, 3, { padding: 1, padding_mode: 'reflect' }),
      new nn.Conv2d(1, 1, 4, { padding: 'same', padding_mode: 'circular', bias: false }),
      new nn.ZeroPad2d(2),
      new nn.ZeroPad2d([1, 2, 3, 0]),
      new nn.ConstantPad2d(1, 3.5),
      new nn.ReflectionPad2d(1),
      new nn.ReplicationPad2d([1, 0, 2, 1]),
      new nn.CircularPad2d(1),
    ];
    expect(layers.map((m) => m.toString())).toEqual(fixture.reprs);
  });
});

describe('MaxPool2d with return_indices', () => {
  it("returns PyTorch's values and flat h*w indices", () => {
    const { input, output, indices } = fixture.maxpool_indices;
    const pool = new nn.MaxPool2d(3, { stride: 2, padding: 1, return_indices: true });
    const [y, idx] = pool.forward(decode(input)) as [Tensor, Tensor];
    expectClose(y, output, 'output');
    expect(idx.dtype).toBe('int64');
    expectClose(idx, indices, 'indices', 0, 0);
    const [y2, idx2] = F.max_pool2d(decode(input), 3, 2, { padding: 1, return_indices: true });
    expect([...y2.toFloat32Array()]).toEqual([...y.toFloat32Array()]);
    expect(idx2.tolist()).toEqual(idx.tolist());
  });
});

describe('Dropout', () => {
  it('zeroes about p of the elements in training, scales the rest by 1/(1-p), and repeats under manual_seed', () => {
    const drop = new nn.Dropout(0.3);
    const x = torch.ones([100, 100], { requires_grad: true });
    torch.manual_seed(5);
    const y = drop.forward(x);
    const v = y.toFloat32Array();
    const zeros = v.filter((e) => e === 0).length;
    // 10,000 Bernoulli(0.3) draws: 3,000 +- 46 (1 sd); allow 5 sd.
    expect(Math.abs(zeros - 3000)).toBeLessThan(230);
    expect(v.every((e) => e === 0 || Math.abs(e - 1 / 0.7) < 1e-6)).toBe(true);
    y.sum().backward();
    expect([...x.grad!.toFloat32Array()]).toEqual([...v]); // the gradient passes through the same mask
    torch.manual_seed(5);
    expect([...drop.forward(x).toFloat32Array()]).toEqual([...v]);
  });

  it('is the identity in eval mode and for p = 0', () => {
    const x = torch.randn([3, 4]);
    expect(new nn.Dropout(0.5).eval().forward(x).tolist()).toEqual(x.tolist());
    expect(new nn.Dropout(0).forward(x).tolist()).toEqual(x.tolist());
    expect(F.dropout(x, 0.5, false).tolist()).toEqual(x.tolist());
  });
});

describe('functional forms agree with the modules', () => {
  it('F.conv2d, F.max_pool2d, F.avg_pool2d, F.linear, F.batch_norm, activations', () => {
    torch.manual_seed(3);
    const x = torch.randn([2, 3, 6, 6]);
    const conv = new nn.Conv2d(3, 4, 4, { padding: 'same', dilation: 1 });
    expect(F.conv2d(x, conv.weight, conv.bias, { padding: 'same' }).tolist()).toEqual(
      conv.forward(x).tolist(),
    );
    expect(F.max_pool2d(x, 2, 1).tolist()).toEqual(new nn.MaxPool2d(2, 1).forward(x).tolist());
    expect(F.avg_pool2d(x, 3, { stride: 2, padding: 1 }).tolist()).toEqual(
      new nn.AvgPool2d(3, 2, { padding: 1 }).forward(x).tolist(),
    );
    const fc = new nn.Linear(6, 2);
    expect(F.linear(x, fc.weight, fc.bias).tolist()).toEqual(fc.forward(x).tolist());
    const bn = new nn.BatchNorm2d(3).eval();
    expect(
      F.batch_norm(x, bn.running_mean, bn.running_var, { weight: bn.weight, bias: bn.bias }).tolist(),
    ).toEqual(bn.forward(x).tolist());
    expect(F.leaky_relu(x, 0.2).tolist()).toEqual(new nn.LeakyReLU(0.2).forward(x).tolist());
    expect(F.softmax(x, { dim: 1 }).tolist()).toEqual(new nn.Softmax(1).forward(x).tolist());
    expect(F.flatten(x, 1).shape).toEqual([2, 108]);
  });

  it("picks PyTorch's implicit softmax dim (1 for 2-d and 4-d, 0 for 1-d and 3-d)", () => {
    const x2 = torch.randn([2, 5]);
    expect(F.log_softmax(x2).tolist()).toEqual(F.log_softmax(x2, 1).tolist());
    const x3 = torch.randn([2, 3, 4]);
    expect(F.softmax(x3).tolist()).toEqual(F.softmax(x3, 0).tolist());
  });

  it('nn.init is @minidl/init', () => {
    expect(nn.init.kaiming_normal_).toBe(init.kaiming_normal_);
    expect(nn.init.calculate_gain('relu')).toBe(Math.SQRT2);
  });

  it('in-place activations overwrite their input', () => {
    const x = torch.tensor([-1, 2], { dtype: 'float32' });
    new nn.ReLU(true).forward(x);
    expect(x.tolist()).toEqual([0, 2]);
    const y = torch.tensor([-1, 2], { dtype: 'float32' });
    F.leaky_relu(y, { negative_slope: 0.5, inplace: true });
    expect(y.tolist()).toEqual([-0.5, 2]);
  });
});

describe("PyTorch's positional arguments", () => {
  it('are accepted where PyTorch takes them, alone or followed by an options object', () => {
    expect(new nn.Conv2d(1, 16, 3, 1, 1).toString()).toBe(new nn.Conv2d(1, 16, 3, { padding: 1 }).toString());
    expect(new nn.Conv2d(4, 8, 3, 2, { groups: 2 }).toString()).toBe(
      'Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 2), groups=2)',
    );
    expect(() => new nn.Conv2d(1, 1, 3, 2, { stride: 2 })).toThrow(
      "got multiple values for argument 'stride'",
    );
    expect(new nn.MaxPool2d(3, 2, 1).toString()).toBe(
      'MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)',
    );
    expect(new nn.AvgPool2d(3, 2, 1, true).ceil_mode).toBe(true);

    torch.manual_seed(4);
    const x = torch.randn([1, 2, 7, 7]);
    const w = torch.randn([3, 2, 3, 3]);
    expect(F.conv2d(x, w, null, 2, 1).tolist()).toEqual(
      F.conv2d(x, w, null, { stride: 2, padding: 1 }).tolist(),
    );
    expect(F.max_pool2d(x, 3, 2, 1, 1, true).tolist()).toEqual(
      F.max_pool2d(x, 3, { stride: 2, padding: 1, ceil_mode: true }).tolist(),
    );
    expect(F.avg_pool2d(x, 3, 2, 1, false, false).tolist()).toEqual(
      F.avg_pool2d(x, 3, 2, { padding: 1, count_include_pad: false }).tolist(),
    );
    const logits = torch.randn([3, 4]);
    const target = torch.tensor([0, 3, 1], { dtype: 'int64' });
    const classWeight = torch.tensor([1, 2, 0.5, 1]);
    expect(F.cross_entropy(logits, target, classWeight).item()).toBe(
      F.cross_entropy(logits, target, { weight: classWeight }).item(),
    );
    const criterion = new nn.CrossEntropyLoss(classWeight, { label_smoothing: 0.1 });
    expect(Object.keys(criterion.state_dict())).toEqual(['weight']); // PyTorch keeps class weights as a buffer
    expect(criterion.forward(logits, target).item()).toBe(
      F.cross_entropy(logits, target, { weight: classWeight, label_smoothing: 0.1 }).item(),
    );
    // return_indices decides forward's type: a tuple here, checked by the compiler
    const [y, idx] = new nn.MaxPool2d(2, { return_indices: true }).forward(x);
    expect([y.shape, idx.shape]).toEqual([
      [1, 2, 3, 3],
      [1, 2, 3, 3],
    ]);
  });
});

/**
 * Central differences of sum(f(x) * w) for a fixed random w, against autograd. In float32 with
 * h = 1e-2 on smooth functions the agreement is about 1e-3 relative.
 */
function checkGrad(f: (x: Tensor) => Tensor, x0: Tensor, what: string): void {
  const w = torch.randn(f(x0).shape as number[]);
  const x = x0.clone().requires_grad_();
  f(x).mul(w).sum().backward();
  const analytic = x.grad!.toFloat32Array();
  const base = x0.toFloat32Array();
  const h = 1e-2;
  const at = (values: Float32Array) =>
    torch.no_grad(() =>
      f(torch.tensor(values).view(x0.shape as number[]))
        .mul(w)
        .sum()
        .item(),
    );
  for (let i = 0; i < base.length; i++) {
    const plus = base.slice();
    const minus = base.slice();
    plus[i]! += h;
    minus[i]! -= h;
    const numeric = (at(plus) - at(minus)) / (2 * h);
    expect(Math.abs(numeric - analytic[i]!), `${what}: d/dx[${i}]`).toBeLessThan(
      2e-3 * (1 + Math.abs(numeric)),
    );
  }
}

describe('gradients agree with finite differences', () => {
  it('cross entropy with weights, ignore_index and label smoothing', () => {
    torch.manual_seed(11);
    const target = torch.tensor([0, 2, 1, 2], { dtype: 'int64' });
    const weight = torch.tensor([0.5, 2, 1]);
    checkGrad(
      (x) => F.cross_entropy(x, target, { weight, ignore_index: 1, label_smoothing: 0.2 }),
      torch.randn([4, 3]),
      'cross_entropy',
    );
  });

  it("batch norm in training mode, and Conv2d with padding='same' and an even kernel", () => {
    torch.manual_seed(12);
    const bn = new nn.BatchNorm2d(2);
    checkGrad((x) => bn.forward(x), torch.randn([3, 2, 2, 2]), 'batch_norm');
    const conv = new nn.Conv2d(1, 2, [2, 4], { padding: 'same' });
    checkGrad((x) => conv.forward(x), torch.randn([1, 1, 3, 5]), 'conv same');
  });
});
