import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';

const T = torch.tensor;

describe('factories and dtypes', () => {
  it('infers dtypes like PyTorch (ints -> int64, floats -> float32, booleans -> bool)', () => {
    expect(T([1, 2, 3]).dtype).toBe('int64');
    expect(T([1.5, 2]).dtype).toBe('float32');
    expect(T([true, false]).dtype).toBe('bool');
    expect(T([1, 2], { requires_grad: true }).dtype).toBe('float32');
    expect(T(new Float32Array([1, 2])).dtype).toBe('float32');
    expect(T(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(torch.full([2], 7).dtype).toBe('int64');
    expect(torch.full([2], 0.5).dtype).toBe('float32');
    expect(torch.zeros([2], { dtype: 'long' }).dtype).toBe('int64');
    expect(torch.arange(0, 1, 0.25).tolist()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(torch.arange(4).dtype).toBe('int64');
    expect(torch.linspace(0, 1, 5).tolist()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(torch.eye(2).tolist()).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('builds from nested arrays and rejects ragged ones', () => {
    const x = T([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(x.shape).toEqual([2, 3]);
    expect(x.size(1)).toBe(3);
    expect(x.size()).toEqual([2, 3]);
    expect(x.dim()).toBe(2);
    expect(x.numel()).toBe(6);
    expect(() => T([[1, 2], [3]])).toThrow('expected sequence of length 2 at dim 1 (got 1)');
  });

  it('range-checks int64 values stored in 32 bits', () => {
    expect(() => T([2 ** 40])).toThrow('cannot be stored in a int64 tensor');
    expect(T([2 ** 31 - 1]).item()).toBe(2 ** 31 - 1);
  });

  it('*_like factories copy shape, dtype and backend', () => {
    const x = torch.zeros([2, 3], { dtype: 'int32' });
    const o = torch.ones_like(x);
    expect(o.shape).toEqual([2, 3]);
    expect(o.dtype).toBe('int32');
    expect(torch.full_like(x, 4).tolist()).toEqual([
      [4, 4, 4],
      [4, 4, 4],
    ]);
    expect(torch.rand_like(torch.zeros([3])).shape).toEqual([3]);
  });

  it('converts dtypes and promotes in arithmetic', () => {
    const i = T([1, 2, 3]);
    expect(i.add(1).dtype).toBe('int64');
    expect(i.add(0.5).dtype).toBe('float32');
    expect(i.div(2).tolist()).toEqual([0.5, 1, 1.5]);
    expect(
      i
        .float()
        .add(T([true, false, true]))
        .tolist(),
    ).toEqual([2, 2, 4]);
    expect(i.gt(1).dtype).toBe('bool');
    expect(i.gt(1).sum().item()).toBe(2);
    expect(i.gt(1).sum().dtype).toBe('int64');
    expect(T([1.7, -1.7]).long().tolist()).toEqual([1, -1]);
    expect(T([0, 2]).bool().tolist()).toEqual([false, true]);
  });
});

describe('views share storage', () => {
  it('view, transpose, narrow, select, expand and .data alias the same memory', () => {
    const x = torch.arange(6, { dtype: 'float32' });
    const v = x.view(2, 3);
    v.data.select(0, 1).fill_(0);
    expect(x.tolist()).toEqual([0, 1, 2, 0, 0, 0]);
    const t = v.t();
    expect(t.is_contiguous()).toBe(false);
    expect(t.stride()).toEqual([1, 3]);
    expect(t.tolist()).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
    ]);
    expect(Array.from(t.toFloat32Array())).toEqual([0, 0, 1, 0, 2, 0]);
    expect(v.narrow(1, 1, 2).tolist()).toEqual([
      [1, 2],
      [0, 0],
    ]);
    expect(T([1, 2]).unsqueeze(1).expand(2, 3).tolist()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });

  it('view needs compatible strides; reshape copies when it must', () => {
    const x = torch.zeros([2, 3]).t();
    expect(() => x.view(6)).toThrow('view size is not compatible');
    expect(x.reshape(6).shape).toEqual([6]);
    expect(torch.zeros([2, 3, 4]).permute(1, 0, 2).view(3, 2, 2, 2).shape).toEqual([3, 2, 2, 2]);
    expect(() => torch.zeros([2, 3, 4]).permute(1, 0, 2).view(3, 8)).toThrow('view size is not compatible');
    expect(torch.zeros([2, 3, 4, 5]).flatten(1).shape).toEqual([2, 60]);
    expect(torch.zeros([1, 3, 1]).squeeze().shape).toEqual([3]);
    expect(torch.zeros([1, 3, 1]).squeeze(0).shape).toEqual([3, 1]);
    expect(() => torch.zeros([2, 2]).permute(0, 0)).toThrow('duplicate dims');
  });

  it('clone and contiguous own their memory', () => {
    const x = torch.ones([2, 2]);
    const c = x.clone();
    c.fill_(3);
    expect(x.sum().item()).toBe(4);
    const t = x.t();
    expect(t.contiguous().is_contiguous()).toBe(true);
    expect(x.contiguous()).toBe(x);
  });

  it('tolist, item and toString', () => {
    expect(T([[1.5]]).item()).toBe(1.5);
    expect(torch.zeros([0, 3]).tolist()).toEqual([]);
    expect(String(T([1, 2]))).toBe('tensor([1,2], dtype=int64)');
  });
});

describe('reductions', () => {
  const x = T(
    [
      [1, 5, 3],
      [4, 2, 6],
    ],
    { dtype: 'float32' },
  );
  it('sum/mean/max/min/argmax with dims and keepdim', () => {
    expect(x.sum().item()).toBe(21);
    expect(x.sum(0).tolist()).toEqual([5, 7, 9]);
    expect(x.sum(1, true).shape).toEqual([2, 1]);
    expect(x.mean([0, 1]).item()).toBe(3.5);
    const [values, indices] = x.max(1);
    expect(values.tolist()).toEqual([5, 6]);
    expect(indices.tolist()).toEqual([1, 2]);
    expect(x.min(0).indices.tolist()).toEqual([0, 1, 0]);
    expect(x.argmax().item()).toBe(5);
    expect(x.argmax(1, true).shape).toEqual([2, 1]);
    expect(torch.max(x).item()).toBe(6);
    expect(torch.min(x, T([3], { dtype: 'float32' })).tolist()).toEqual([
      [1, 3, 3],
      [3, 2, 3],
    ]);
  });
  it('var and std use Bessel correction by default', () => {
    const v = T([1, 2, 3, 4], { dtype: 'float32' });
    expect(v.var().item()).toBeCloseTo(5 / 3, 6);
    expect(v.var(0, { correction: 0 }).item()).toBeCloseTo(1.25, 6);
    expect(v.std(null, { unbiased: false }).item()).toBeCloseTo(Math.sqrt(1.25), 6);
  });
  it('all/any and accuracy-style counting', () => {
    const pred = T([
      [0.1, 0.9],
      [0.8, 0.2],
      [0.3, 0.7],
    ]).argmax(1);
    expect(
      pred
        .eq(T([1, 0, 0]))
        .sum()
        .item(),
    ).toBe(2);
    expect(T([1, 0]).bool().all().item()).toBe(0);
    expect(T([1, 0]).bool().any().item()).toBe(1);
  });
});

describe('matmul operand layouts', () => {
  it('multiplies transposed, broadcast and permuted operands like their dense copies', () => {
    torch.manual_seed(3);
    const a = torch.randn([3, 4]);
    const b = torch.randn([4, 5]);
    const layouts: [string, torch.Tensor, torch.Tensor][] = [
      ['transposed', a.t().contiguous().t(), b.t().contiguous().t()],
      ['expanded rows', torch.randn([1, 4]).expand(3, 4), b],
      ['batch permuted', torch.randn([3, 2, 4]).permute(1, 0, 2), b],
      ['expanded columns', a, torch.randn([4, 1]).expand(4, 5)],
    ];
    for (const [name, x, y] of layouts) {
      const expected = x.contiguous().matmul(y.contiguous()).toFloat32Array();
      const actual = x.matmul(y).toFloat32Array();
      actual.forEach((v, i) => {
        expect(Math.abs(v - expected[i]!), name).toBeLessThan(1e-5);
      });
    }
  });
});

describe('autograd semantics', () => {
  it('accumulates gradients into leaves across backward calls', () => {
    const x = T([1, 2, 3], { requires_grad: true });
    x.mul(x).sum().backward();
    expect(x.grad!.tolist()).toEqual([2, 4, 6]);
    x.mul(3).sum().backward();
    expect(x.grad!.tolist()).toEqual([5, 7, 9]);
    expect(x.is_leaf).toBe(true);
    expect(x.mul(2).is_leaf).toBe(false);
  });

  it('leaves keep a gradient the pass made without a copy, but never share one', () => {
    for (const backend of ['wasm', 'js'] as const) {
      const a = torch.ones([2, 3], { requires_grad: true, device: backend });
      const b = torch.ones([2, 3], { requires_grad: true, device: backend });
      const c = torch.ones([2, 3], { requires_grad: true, device: backend });
      const copies: unknown[] = [];
      const be = a.storage.backend;
      const copy = be.copy;
      be.copy = (src, dst) => {
        copies.push(src);
        copy.call(be, src, dst);
      };
      try {
        // mul's gradients are fresh and dense; add hands the very same one to both operands
        a.add(b).mul(c).sum().backward();
      } finally {
        be.copy = copy;
      }
      expect(a.grad!.storage).not.toBe(b.grad!.storage);
      expect(copies.length).toBe(1); // a or b adopts the shared gradient, the other copies it
      a.grad!.add_(1); // a private gradient: the other leaf's is unchanged
      expect(b.grad!.tolist()).toEqual([
        [1, 1, 1],
        [1, 1, 1],
      ]);
      expect(c.grad!.tolist()).toEqual([
        [2, 2, 2],
        [2, 2, 2],
      ]);
      // a user-given gradient is never adopted
      const x = torch.ones([2], { requires_grad: true, device: backend });
      const g = torch.tensor([3, 4], { device: backend });
      x.backward(g);
      expect(x.grad!.storage).not.toBe(g.storage);
      g.add_(1);
      expect(x.grad!.tolist()).toEqual([3, 4]);
    }
  });

  it('conv2d_relu gives the values, gradients and graph of conv2d(...).relu() on every backend', () => {
    for (const device of ['wasm', 'js', 'tfjs'] as const) {
      const run = (fused: boolean) => {
        torch.manual_seed(0);
        const x = torch.randn([2, 3, 5, 5], { device, requires_grad: true });
        const w = torch.randn([4, 3, 3, 3], { device, requires_grad: true });
        const b = torch.randn([4], { device, requires_grad: true });
        const y = fused
          ? torch.conv2d_relu(x, w, b, { padding: 1 })
          : torch.conv2d(x, w, b, { padding: 1 }).relu();
        y.mul(torch.arange(0, 100, { device }).view(4, 5, 5))
          .sum()
          .backward();
        return { y, grads: [x, w, b].map((t) => t.grad!.tolist()) };
      };
      const fused = run(true);
      const plain = run(false);
      expect(fused.y.tolist()).toEqual(plain.y.tolist());
      expect(fused.y.min().item()).toBe(0); // some outputs were clamped, so the mask mattered
      expect(fused.grads).toEqual(plain.grads);
      expect(fused.y.grad_fn!.name).toBe('ReluBackward0');
      expect(fused.y.grad_fn!.next_functions[0]!.name).toBe('ConvolutionBackward0');
      // unbatched input, and no graph without gradients
      const x3 = torch.randn([3, 5, 5], { device });
      const w3 = torch.randn([4, 3, 3, 3], { device });
      const y3 = torch.conv2d_relu(x3, w3);
      expect(y3.shape).toEqual([4, 3, 3]);
      expect(y3.grad_fn).toBeNull();
      expect(y3.tolist()).toEqual(torch.conv2d(x3, w3).relu().tolist());
    }
  });

  it('retain_graph allows a second backward; ops without saved tensors never need it', () => {
    const x = T([1, 2], { requires_grad: true });
    const y = x.mul(x).sum();
    y.backward(null, { retain_graph: true });
    y.backward();
    expect(x.grad!.tolist()).toEqual([4, 8]);
    const z = x.add(1).sum();
    z.backward();
    z.backward();
    expect(x.grad!.tolist()).toEqual([6, 10]);
  });

  it('maximum/minimum split ties and give both inputs the gradient at NaN, as PyTorch', () => {
    // PyTorch 2.13: maximum -> a.grad [0.5, 0, 1, 1], b.grad [0.5, 1, 1, 1];
    // minimum -> a.grad [0.5, 1, 1, 1], b.grad [0.5, 0, 1, 1]
    for (const [op, ga, gb] of [
      [torch.maximum, [0.5, 0, 1, 1], [0.5, 1, 1, 1]],
      [torch.minimum, [0.5, 1, 1, 1], [0.5, 0, 1, 1]],
    ] as const) {
      const a = torch.tensor([1, 2, Number.NaN, 3], { requires_grad: true });
      const b = torch.tensor([1, 3, 1, Number.NaN], { requires_grad: true });
      op(a, b).sum().backward();
      expect(a.grad!.tolist()).toEqual(ga);
      expect(b.grad!.tolist()).toEqual(gb);
    }
  });

  it('backward of a non-scalar takes a gradient', () => {
    const x = T([1, 2], { requires_grad: true });
    x.mul(3).backward(T([1, 10], { dtype: 'float32' }));
    expect(x.grad!.tolist()).toEqual([3, 30]);
    expect(() => x.mul(3).backward(T([1], { dtype: 'float32' }))).toThrow('Mismatch in shape');
  });

  it('no_grad, enable_grad, detach and requires_grad_', () => {
    const w = T([1, 2], { requires_grad: true });
    const y = torch.no_grad(() => w.mul(2));
    expect(y.requires_grad).toBe(false);
    expect(y.grad_fn).toBeNull();
    expect(torch.no_grad(() => torch.enable_grad(() => w.mul(2))).requires_grad).toBe(true);
    expect(w.detach().requires_grad).toBe(false);
    expect(w.mul(2).detach().grad_fn).toBeNull();
    expect(torch.is_grad_enabled()).toBe(true);
    expect(() => w.mul(2).requires_grad_(false)).toThrow(
      'you can only change requires_grad flags of leaf variables',
    );
  });

  it('names grad_fn like PyTorch', () => {
    const x = T([1, 2], { requires_grad: true });
    expect(x.mul(x).grad_fn!.name).toBe('MulBackward0');
    expect(x.add(x).grad_fn!.name).toBe('AddBackward0');
    expect(x.sum().grad_fn!.name).toBe('SumBackward1');
    expect(x.view(2, 1).grad_fn!.name).toBe('ViewBackward0');
    expect(x.view(2, 1).grad_fn!.next_functions[0]!.name).toBe('AccumulateGrad');
    // linear of a matrix with a bias is one addmm (bias, input, weight^T), as in PyTorch
    const w = torch.ones([3, 2], { requires_grad: true });
    const b = torch.zeros([3], { requires_grad: true });
    const y = torch.linear(x.view(1, 2), w, b);
    expect(y.grad_fn!.name).toBe('AddmmBackward0');
    // (PyTorch routes the weight through a TBackward0 node; minidl's addmm transposes internally)
    expect(y.grad_fn!.next_functions.slice(0, 2).map((n) => n?.name)).toEqual([
      'AccumulateGrad',
      'ViewBackward0',
    ]);
  });

  it('frees saved tensors after backward', () => {
    const x = T([1, 2], { requires_grad: true });
    const y = x.exp();
    const s = y.sum();
    s.backward();
    expect(() => y.grad_fn!.apply(torch.ones([2]))).toThrow(
      'Trying to backward through the graph a second time',
    );
  });

  it('in-place rules: leaves only under no_grad or through .data; non-leaves keep their history', () => {
    const w = T([1, 2], { requires_grad: true });
    expect(() => w.mul_(2)).toThrow(
      'a leaf Variable that requires grad is being used in an in-place operation.',
    );
    expect(() => w.view(2).fill_(0)).toThrow('a view of a leaf Variable that requires grad');
    torch.no_grad(() => w.mul_(2));
    w.data.add_(1);
    expect(w.tolist()).toEqual([3, 5]);
    const y = w.mul(2);
    y.add_(1);
    expect(y.grad_fn!.name).toBe('AddBackward1');
    y.sum().backward();
    expect(w.grad!.tolist()).toEqual([2, 2]);
  });

  it('names dtype mismatches as PyTorch does', () => {
    expect(() => torch.zeros([2, 3]).matmul(torch.zeros([3, 2], { dtype: 'int64' }))).toThrow(
      'expected m1 and m2 to have the same dtype, but got: float != long int',
    );
  });

  it('in-place arithmetic broadcasts into self, checks shapes and bumps versions', () => {
    const x = torch.zeros([2, 3]);
    x.add_(T([1, 2, 3], { dtype: 'float32' }));
    x.mul_(2).sub_(1, { alpha: 0.5 });
    expect(x.tolist()).toEqual([
      [1.5, 3.5, 5.5],
      [1.5, 3.5, 5.5],
    ]);
    expect(() => torch.zeros([3]).add_(torch.zeros([2, 3]))).toThrow(
      "output with shape [3] doesn't match the broadcast shape [2, 3]",
    );
    const a = torch.ones([2]);
    const w = torch.ones([2], { requires_grad: true });
    const out = w.mul(a);
    a.add_(1); // a was saved by the multiplication
    expect(() => out.sum().backward()).toThrow('modified by an inplace operation');
  });

  it('detects in-place modification of a saved tensor', () => {
    const x = T([1, 2], { requires_grad: true });
    const y = x.mul(1);
    const z = y.mul(y);
    y.add_(1);
    expect(() => z.sum().backward()).toThrow('modified by an inplace operation');
  });

  it('supports custom differentiable ops through autograd.Function', () => {
    class Cube extends torch.autograd.Function {
      static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor) {
        ctx.save_for_backward(x);
        return x.pow(3);
      }
      static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor) {
        const [x] = ctx.saved_tensors;
        return g.mul(x!.square().mul(3));
      }
    }
    const x = T([1, 2], { requires_grad: true });
    const y = Cube.apply(x);
    expect(y.grad_fn!.name).toBe('CubeBackward');
    y.sum().backward();
    expect(x.grad!.tolist()).toEqual([3, 12]);
  });

  it('lets a subclass wrap a tensor as a parameter', () => {
    class Parameter extends torch.Tensor {
      constructor(data: torch.Tensor) {
        super(data.storage, data.shape, data.strides, data.offset, data.dtype);
        this.requires_grad_(true);
      }
    }
    const p = new Parameter(torch.zeros([2, 2]));
    expect(p).toBeInstanceOf(torch.Tensor);
    expect(p.is_leaf && p.requires_grad).toBe(true);
    const out = p.add(1);
    expect(out).not.toBeInstanceOf(Parameter);
    out.sum().backward();
    expect(p.grad!.tolist()).toEqual([
      [1, 1],
      [1, 1],
    ]);
    torch.manual_seed(0);
    p.data.normal_(0, 0.02);
    expect(p.abs().max().item()).toBeGreaterThan(0);
  });
});

describe('dropout, cat/stack and indexing', () => {
  it('dropout zeroes with probability p and rescales, identity in eval', () => {
    torch.manual_seed(0);
    const x = torch.ones([10000]);
    const y = torch.dropout(x, 0.25, true);
    const kept = y.ne(0).sum().item();
    expect(kept).toBeGreaterThan(7300);
    expect(kept).toBeLessThan(7700);
    expect(y.max().item()).toBeCloseTo(1 / 0.75, 6);
    expect(torch.dropout(x, { p: 0.5, training: false })).toBe(x);
  });

  it('cat and stack join along dims, with gradients', () => {
    const a = torch.ones([2, 2], { requires_grad: true });
    const b = torch.zeros([2, 1], { requires_grad: true });
    const c = torch.cat([a, b], 1);
    expect(c.shape).toEqual([2, 3]);
    c.mul(T([1, 2, 3], { dtype: 'float32' }))
      .sum()
      .backward();
    expect(b.grad!.tolist()).toEqual([[3], [3]]);
    expect(torch.stack([T([1, 2]), T([3, 4])], 1).tolist()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(() => torch.cat([torch.zeros([2, 2]), torch.zeros([3, 3])], 0)).toThrow(
      'Sizes of tensors must match except in dimension 0',
    );
  });

  it('one_hot, gather and index_select validate indices', () => {
    expect(torch.one_hot(T([0, 2]), 3).tolist()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(() => torch.zeros([2, 3]).gather(1, T([[3], [0]]))).toThrow(
      'index 3 is out of bounds for dimension 1 with size 3',
    );
    expect(() => torch.zeros([2, 3]).gather(1, T([[0.5]]))).toThrow('Expected dtype int64 for index');
  });
});

describe('backends', () => {
  it('switches backends and refuses to mix them', () => {
    expect(torch.get_backend()).toBe('wasm');
    torch.set_backend('tfjs');
    const a = torch.ones([2]);
    torch.set_backend('wasm');
    const b = torch.ones([2]);
    expect(a.device).toBe('tfjs');
    expect(b.device).toBe('wasm');
    expect(() => a.add(b)).toThrow('Expected all tensors to be on the same backend');
    expect(a.to('wasm').add(b).tolist()).toEqual([2, 2]);
    expect(() => torch.set_backend('cuda' as torch.BackendName)).toThrow("Unknown backend 'cuda'");
  });

  it('explains wasm memory exhaustion', () => {
    // 5 GB cannot fit in wasm32's 4 GiB: the allocator fails before touching any memory
    expect(() => torch.empty([1_250_000_000])).toThrow(
      /wasm memory exhausted.*freed when garbage-collected/s,
    );
  });
});
