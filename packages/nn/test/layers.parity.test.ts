/**
 * Forward and backward parity of every layer with PyTorch 2.13 (fixtures by
 * tools/fixtures/nn_layers.py): outputs, input and parameter gradients, and batch-norm running
 * statistics after one or more training steps.
 */
import type { Tensor } from '@minidl/tensor';
import { expect, it } from 'vitest';
import { nn } from '../src/index.js';
import { decode, describeEachBackend, type Encoded, expectClose, loadFixture } from './helpers.js';

interface LayerCase {
  name: string;
  module: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  mode: 'train' | 'eval';
  params: Record<string, Encoded>;
  buffers_before?: Record<string, Encoded>;
  steps: { input: Encoded; output: Encoded }[];
  grad_output: Encoded;
  input_grad: Encoded;
  param_grads: Record<string, Encoded>;
  buffers_after: Record<string, Encoded>;
}

const fixture = loadFixture<{ layers: LayerCase[] }>('layers.json');

/** Builds `nn[name](...args, kwargs)` the way the Python script did (kwargs as the options object). */
export function build(name: string, args: unknown[], kwargs: Record<string, unknown>): nn.Module {
  const Ctor = (nn as unknown as Record<string, new (...a: unknown[]) => nn.Module>)[name];
  if (Ctor === undefined) throw new Error(`nn.${name} is missing`);
  return Object.keys(kwargs).length > 0 ? new Ctor(...args, kwargs) : new Ctor(...args);
}

describeEachBackend('layers match PyTorch forward and backward', () => {
  for (const c of fixture.layers) {
    it(c.name, () => {
      const m = build(c.module, c.args, c.kwargs);
      const loaded: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries({ ...c.params, ...c.buffers_before })) loaded[k] = decode(v);
      const { missing_keys } = m.load_state_dict(loaded, { strict: false });
      if (c.buffers_before) expect(missing_keys).toEqual([]);
      m.train(c.mode === 'train');
      let x: Tensor | undefined;
      let y: Tensor | undefined;
      c.steps.forEach((step, i) => {
        x = decode(step.input).requires_grad_();
        y = m.forward(x) as Tensor;
        expectClose(y, step.output, `output of step ${i}`);
      });
      y!.backward(decode(c.grad_output));
      expectClose(x!.grad!, c.input_grad, 'input grad');
      const params = Object.fromEntries(m.named_parameters());
      expect(Object.keys(params)).toEqual(Object.keys(c.param_grads));
      for (const [k, g] of Object.entries(c.param_grads)) expectClose(params[k]!.grad!, g, `grad of ${k}`);
      const buffers = Object.fromEntries(m.named_buffers());
      expect(Object.keys(buffers)).toEqual(Object.keys(c.buffers_after));
      for (const [k, b] of Object.entries(c.buffers_after)) expectClose(buffers[k]!, b, `buffer ${k}`);
    });
  }
});
