/**
 * Higher-order gradients: `torch.autograd.grad` and `backward({ create_graph })`. Every op of
 * test/cases.ts (a small CNN among them) is checked to second order in float64 (gradgradcheck.ts),
 * and max pooling to third order.
 */
import { describe, expect, it } from 'vitest';
import * as torch from '../src/index.js';
import { GRAD_CASES, leaf } from './cases.js';
import { gradgradcheck } from './gradgradcheck.js';

describe('second derivatives of every op (float64, PyTorch tolerances)', () => {
  for (const [name, make] of GRAD_CASES) {
    it(name, () => {
      const before = name === 'dropout' ? () => torch.manual_seed(0) : undefined;
      const [f, inputs] = make('float64');
      expect(gradgradcheck(f, inputs, { before }).failure).toBeNull();
    });
  }

  it('fails a backward that is right to first order but detached from x', () => {
    class Sin extends torch.autograd.Function {
      static override forward(ctx: torch.autograd.FunctionCtx, x: torch.Tensor) {
        ctx.save_for_backward(x);
        return torch.tensor((x.tolist() as number[]).map(Math.sin), { dtype: x.dtype });
      }
      static override backward(ctx: torch.autograd.FunctionCtx, g: torch.Tensor) {
        const [x] = ctx.saved_tensors;
        // cos(x) as a constant: the first derivative is right, the second is lost
        return g.mul(torch.tensor((x!.tolist() as number[]).map(Math.cos), { dtype: x!.dtype }));
      }
    }
    const x = leaf('float64', [4], 3);
    expect(gradgradcheck((t) => Sin.apply(t!), [x]).failure).toMatch(/autograd .* vs finite difference/);
  });
});

describe('torch.autograd.grad', () => {
  it('returns gradients without touching .grad, and differentiates them again with create_graph', () => {
    const x = torch.tensor([1, 2, 3], { dtype: 'float64', requires_grad: true });
    const y = x.pow(3).sum();
    const [dy] = torch.autograd.grad(y, x, { create_graph: true });
    expect(dy!.tolist()).toEqual([3, 12, 27]);
    expect(dy!.requires_grad).toBe(true);
    expect(x.grad).toBeNull();
    const [d2y] = torch.autograd.grad(dy!.sum(), [x]);
    expect(d2y!.tolist()).toEqual([6, 12, 18]);
    expect(d2y!.requires_grad).toBe(false);
  });

  it('sums over several outputs weighted by grad_outputs, and over every path to an input', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const a = x.mul(3);
    const b = x.mul(x);
    const [g] = torch.autograd.grad([a, b], [x], { grad_outputs: [torch.ones([2]), torch.tensor([1, 10])] });
    expect(g!.tolist()).toEqual([3 + 2, 3 + 40]);
    // a non-leaf input gets the gradient reaching it
    const h = x.mul(2);
    const [gh] = torch.autograd.grad(h.mul(h).sum(), h);
    expect(gh!.tolist()).toEqual([4, 8]);
  });

  it('takes a Hessian-vector product through a small classifier (linear, tanh, cross-entropy)', () => {
    torch.manual_seed(0);
    const w = torch.randn([3, 4], { requires_grad: true }).double();
    const x = torch.randn([5, 4]).double();
    const target = torch.tensor([0, 2, 1, 1, 0]);
    const loss = () =>
      torch
        .log_softmax(x.matmul(w.t()).tanh(), 1)
        .gather(1, target.view([5, 1]))
        .mean()
        .neg();
    const v = torch.randn([3, 4]).double();
    const [g] = torch.autograd.grad(loss(), w, { create_graph: true });
    const [hv] = torch.autograd.grad(g!.mul(v).sum(), w);
    // against central differences of the gradient along v
    const eps = 1e-6;
    const gradAt = (s: number) => {
      const ws = w.detach().add(v.mul(s)).requires_grad_(true);
      const l = torch
        .log_softmax(x.matmul(ws.t()).tanh(), 1)
        .gather(1, target.view([5, 1]))
        .mean()
        .neg();
      return torch.autograd.grad(l, ws)[0]!;
    };
    const numeric = gradAt(eps)
      .sub(gradAt(-eps))
      .div(2 * eps);
    const diff = hv!.sub(numeric).abs().max().item();
    expect(diff).toBeLessThan(1e-7);
  });

  it('accumulates a recorded gradient into .grad with backward({ create_graph })', () => {
    const x = torch.tensor([1, 2], { dtype: 'float64', requires_grad: true });
    x.pow(3).sum().backward(null, { create_graph: true });
    expect(x.grad!.requires_grad).toBe(true);
    expect(x.grad!.tolist()).toEqual([3, 12]);
    // PyTorch's gradient-penalty pattern: differentiate the stored gradient, which adds 6x to it
    x.grad!.sum().backward();
    expect(x.grad!.tolist()).toEqual([3 + 6, 12 + 12]);
  });

  it('names the problem: unused inputs, inputs without grad, missing grad_outputs', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const z = torch.tensor([3], { requires_grad: true });
    expect(() => torch.autograd.grad(x.mul(2).sum(), [x, z])).toThrow(
      'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True',
    );
    expect(torch.autograd.grad(x.mul(2).sum(), [x, z], { allow_unused: true })[1]).toBeNull();
    expect(() => torch.autograd.grad(x.mul(2).sum(), torch.ones([2]))).toThrow(
      'One of the differentiated Tensors (input 0) does not require grad',
    );
    expect(() => torch.autograd.grad(x.mul(2), x)).toThrow(
      'grad can be implicitly created only for scalar outputs',
    );
  });

  it('goes to third order through max pooling (scatter, gather, scatter)', () => {
    // f = sum(max_pool(x)^3): with the argmaxes fixed, d3f/dx3 is 6 at each argmax and 0 elsewhere
    const x = leaf('float64', [1, 2, 4, 4], 5);
    const [g1] = torch.autograd.grad(torch.max_pool2d(x, 2).pow(3).sum(), x, { create_graph: true });
    const [g2] = torch.autograd.grad(g1!.sum(), x, { create_graph: true });
    const [g3] = torch.autograd.grad(g2!.sum(), x);
    const [, idx] = torch.max_pool2d_with_indices(x.detach(), 2);
    const want = new Array<number>(32).fill(0);
    (idx.reshape([2, 4]).tolist() as number[][]).forEach((plane, c) => {
      for (const k of plane) want[16 * c + k] = 6;
    });
    expect(g3!.reshape([-1]).tolist()).toEqual(want);
  });

  it('frees the graph after a plain call, keeps it with retain_graph', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const y = x.exp().sum();
    torch.autograd.grad(y, x, { retain_graph: true });
    torch.autograd.grad(y, x);
    expect(() => torch.autograd.grad(y, x)).toThrow(/backward through the graph a second time/);
  });
});
