import * as torch from '@minidl/tensor';
import { describe, expect, it } from 'vitest';
import { nn } from '../index.js';

describe('Sequential runs Conv2d + ReLU fused', () => {
  const build = () => {
    torch.manual_seed(0);
    return new nn.Sequential(new nn.Conv2d(2, 3, 3, { padding: 1 }), new nn.ReLU(), new nn.Flatten());
  };

  it('with the values, gradients and grad_fn graph of the two modules run one by one', () => {
    const fusedModel = build();
    const stepModel = build();
    torch.manual_seed(1);
    const x = torch.randn([2, 2, 4, 4]);
    const fused = fusedModel.forward(x);
    let y = x;
    for (const m of stepModel.children()) y = m.forward(y);
    expect(fused.tolist()).toEqual(y.tolist());
    expect(fused.min().item()).toBe(0);
    expect(fused.grad_fn!.next_functions[0]!.name).toBe('ReluBackward0');
    expect(fused.grad_fn!.next_functions[0]!.next_functions[0]!.name).toBe('ConvolutionBackward0');
    fused.sum().backward();
    y.sum().backward();
    const grads = (m: nn.Module) => [...m.parameters()].map((p) => p.grad!.tolist());
    expect(grads(fusedModel)).toEqual(grads(stepModel));
  });

  it('but not when a hook must see the convolution output', () => {
    const model = build();
    let seen: torch.Tensor | null = null;
    (model.at(0) as nn.Module).register_forward_hook((_m, _args, out) => {
      seen = out as torch.Tensor;
    });
    const out = model.forward(torch.randn([1, 2, 4, 4]));
    expect(seen).not.toBeNull();
    expect(seen!.min().item()).toBeLessThan(0); // the pre-activation, before the ReLU
    expect(out.tolist()).toEqual(seen!.relu().flatten(1).tolist());
  });
});
