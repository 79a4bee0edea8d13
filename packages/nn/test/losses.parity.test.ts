/**
 * Loss parity with PyTorch 2.13 (fixtures by tools/fixtures/nn_layers.py): every reduction, class
 * weights, ignore_index, label smoothing, K-dimensional inputs and class-probability targets; the
 * value and the gradient with respect to the input.
 */
import type { Tensor } from '@minidl/tensor';
import { it } from 'vitest';
import { nn } from '../src/index.js';
import { decode, describeEachBackend, type Encoded, expectClose, loadFixture } from './helpers.js';

interface LossCase {
  loss: string;
  kwargs: Record<string, unknown>;
  input: Encoded;
  target: Encoded;
  output: Encoded;
  grad_output?: Encoded;
  input_grad: Encoded;
}

const fixture = loadFixture<{ losses: LossCase[] }>('layers.json');

function label(c: LossCase): string {
  const opts = Object.entries(c.kwargs).map(([k, v]) => `${k}=${typeof v === 'object' ? 'tensor' : v}`);
  return `${c.loss}(${opts.join(', ')}) on [${c.input.shape}] with ${'int' in c.target ? 'indices' : 'floats'}`;
}

describeEachBackend('losses match PyTorch value and input gradient', () => {
  for (const c of fixture.losses) {
    it(label(c), () => {
      const kwargs = Object.fromEntries(
        Object.entries(c.kwargs).map(([k, v]) => [
          k,
          typeof v === 'object' && v !== null ? decode(v as Encoded) : v,
        ]),
      );
      const Ctor = (nn as unknown as Record<string, new (o: unknown) => nn.Module>)[c.loss]!;
      const x = decode(c.input).requires_grad_();
      const out = new Ctor(kwargs).forward(x, decode(c.target)) as Tensor;
      expectClose(out, c.output, 'loss');
      out.backward(c.grad_output ? decode(c.grad_output) : undefined);
      expectClose(x.grad!, c.input_grad, 'input grad');
    });
  }
});
