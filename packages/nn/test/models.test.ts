/**
 * The tutorial's three models (examples/), checked against PyTorch 2.13 (fixtures by
 * tools/fixtures/nn_models.py):
 * - built after `manual_seed(s)`, their state_dicts equal PyTorch's bit for bit, with PyTorch's
 *   default layer initialisation and with each of the tutorial's schemes;
 * - from the same deterministic weights, the MNIST CNN's and the BatchNorm CNN's outputs, losses and
 *   every parameter gradient match PyTorch within 2e-4 relative;
 * - they print like PyTorch's repr.
 */

import type { Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';
import { describe, expect, it } from 'vitest';
import { CNN as BNCNN, initialize_weights } from '../examples/bn-cnn.js';
import { Net as CustomNet } from '../examples/custom-net.js';
import { type Scheme, CNN as TutorialCNN } from '../examples/tutorial-cnn.js';
import { F, nn } from '../src/index.js';
import { decode, describeEachBackend, type Encoded, expectClose, floats, loadFixture } from './helpers.js';

type BitsEntry =
  | { shape: number[]; n: number; hex: string[] }
  | { shape: number[]; n: number; head: string[]; fnv1a: string }
  | { shape: number[]; int: number[] };

type GradEntry = Encoded | { shape: number[]; stride: number; sample: Encoded; sum: number; abs_sum: number };

interface Fixture {
  init: { model: string; seed: number; state_dict: Record<string, BitsEntry> }[];
  reprs: Record<string, string>;
  forward: {
    model: string;
    input: Encoded;
    target: number[];
    output: Encoded;
    loss: number;
    grads: Record<string, GradEntry>;
    buffers: Record<string, Encoded | number>;
  }[];
}

const fixture = loadFixture<Fixture>('models.json');

const builders: Record<string, () => nn.Module> = {
  'Linear(5, 3)': () => new nn.Linear(5, 3),
  'Sequential(Conv2d(4, 6, 3, groups=2, bias=False), Conv2d(6, 2, (2, 3)), BatchNorm2d(2))': () =>
    new nn.Sequential(
      new nn.Conv2d(4, 6, 3, { groups: 2, bias: false }),
      new nn.Conv2d(6, 2, [2, 3]),
      new nn.BatchNorm2d(2),
    ),
  CustomNet: () => new CustomNet(),
  'BNCNN.apply(initialize_weights)': () => new BNCNN().apply(initialize_weights),
  TutorialCNN: () => new TutorialCNN('pytorch-default'),
};
for (const scheme of ['small-normal', 'xavier', 'kaiming'] as Scheme[]) {
  builders[`TutorialCNN:${scheme}`] = () => new TutorialCNN(scheme);
}

/** The float32 bit patterns of a tensor, in memory order. */
function bits(t: Tensor): Uint32Array {
  return new Uint32Array(t.contiguous().toFloat32Array().buffer);
}

/** 32-bit FNV-1a over the little-endian bytes of the bit patterns (as tools/fixtures/rng.py). */
function fnv1a(words: Uint32Array): string {
  let h = 0x811c9dc5;
  for (const w of words) {
    for (let k = 0; k < 4; k++) {
      h ^= (w >>> (8 * k)) & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h.toString(16).padStart(8, '0');
}

const hex = (w: number) => w.toString(16).padStart(8, '0');

describe('default and tutorial initialisation equal PyTorch bit for bit', () => {
  for (const c of fixture.init) {
    it(`${c.model} after manual_seed(${c.seed})`, () => {
      torch.manual_seed(c.seed);
      const sd = builders[c.model]!().state_dict();
      expect(Object.keys(sd)).toEqual(Object.keys(c.state_dict));
      for (const [key, e] of Object.entries(c.state_dict)) {
        const t = sd[key]!;
        expect(t.shape, key).toEqual(e.shape);
        if ('int' in e) {
          expect(t.tolist(), key).toEqual(e.shape.length === 0 ? e.int[0] : e.int);
          continue;
        }
        const w = bits(t);
        if ('hex' in e) expect([...w].map(hex), key).toEqual(e.hex);
        else {
          expect([...w.subarray(0, 8)].map(hex), key).toEqual(e.head);
          expect(fnv1a(w), `${key}: hash of all ${e.n} values`).toBe(e.fnv1a);
        }
      }
    });
  }
});

describe('printed form', () => {
  it("prints the three models as PyTorch's repr", () => {
    expect(new CustomNet().toString().replace(/^Net\(/, 'CustomNet(')).toBe(fixture.reprs.CustomNet);
    expect(new BNCNN().toString().replace(/^CNN\(/, 'BNCNN(')).toBe(fixture.reprs.BNCNN);
    expect(new TutorialCNN().toString().replace(/^CNN\(/, 'TutorialCNN(')).toBe(fixture.reprs.TutorialCNN);
  });
});

/** The fixture's deterministic weights: float32(amp_k * sin(0.37 i + 0.5 + 0.11 k)), see nn_models.py. */
function setFormulaWeights(model: nn.Module): void {
  torch.no_grad(() => {
    model.named_parameters().forEach(([name, p], k) => {
      const n = p.numel();
      const values = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const wave = Math.sin(0.37 * i + 0.5 + 0.11 * k);
        if (name.endsWith('bias')) values[i] = 0.1 * wave;
        else if (p.ndim === 1) values[i] = 1 + 0.1 * wave;
        else values[i] = wave / Math.sqrt(n / p.shape[0]!);
      }
      p.copy_(torch.tensor(values).view(p.shape as number[]));
    });
  });
}

const RTOL = 2e-4;
/** Gradients that are zero in exact arithmetic (a bias right before BatchNorm) are rounding noise. */
const NOISE = 1e-6;

/**
 * A gradient against PyTorch's, in full or as its strided sample plus float64 sums: every element
 * within 2e-4 of the tensor's scale (its largest magnitude), |a - e| <= 2e-4 * max|e| + 1e-6.
 */
function expectGrad(g: Tensor, e: GradEntry, name: string): void {
  expect(g.shape, name).toEqual(e.shape);
  const flat = g.toFloat32Array();
  const stride = 'stride' in e ? e.stride : 1;
  const expected = floats('stride' in e ? e.sample : e);
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expected.forEach((v, j) => {
    const a = flat[j * stride]!;
    if (Math.abs(a - v) > RTOL * scale + NOISE)
      expect.fail(`grad of ${name}: element ${j * stride} is ${a}, PyTorch has ${v}`);
  });
  if (!('stride' in e)) return;
  let sum = 0;
  let absSum = 0;
  for (const v of flat) {
    sum += v;
    absSum += Math.abs(v);
  }
  expect(Math.abs(absSum - e.abs_sum), `${name}: sum of |grad|`).toBeLessThanOrEqual(RTOL * e.abs_sum);
  expect(Math.abs(sum - e.sum), `${name}: sum of grad`).toBeLessThanOrEqual(RTOL * e.abs_sum);
}

describeEachBackend('whole-model forward and backward match PyTorch', () => {
  const losses: Record<string, (out: Tensor, y: Tensor) => Tensor> = {
    TutorialCNN: (out, y) => F.cross_entropy(out, y),
    BNCNN: (out, y) => F.nll_loss(out, y),
  };
  const models: Record<string, () => nn.Module> = {
    TutorialCNN: () => new TutorialCNN(),
    BNCNN: () => new BNCNN(),
  };
  for (const c of fixture.forward) {
    it(`${c.model}: output, loss and every parameter gradient within ${RTOL} of their scale`, () => {
      const model = models[c.model]!();
      setFormulaWeights(model);
      model.train();
      const out = model.forward(decode(c.input)) as Tensor;
      expectClose(out, c.output, 'output', RTOL, 1e-6);
      const loss = losses[c.model]!(out, torch.tensor(c.target, { dtype: 'int64' }));
      expect(Math.abs(loss.item() - c.loss)).toBeLessThanOrEqual(RTOL * Math.abs(c.loss));
      loss.backward();
      const params = model.named_parameters();
      expect(params.map(([n]) => n)).toEqual(Object.keys(c.grads));
      for (const [name, p] of params) expectGrad(p.grad!, c.grads[name]!, name);
      const buffers = Object.fromEntries(model.named_buffers());
      for (const [name, b] of Object.entries(c.buffers)) {
        if (typeof b === 'number') expect(buffers[name]!.item(), name).toBe(b);
        else expectClose(buffers[name]!, b, name, RTOL, 1e-6);
      }
    });
  }

  it('flattens by the batch it is given, so a last partial batch of one works', () => {
    const model = new TutorialCNN();
    expect(model.forward(torch.rand([1, 1, 28, 28])).shape).toEqual([1, 10]);
    expect(model.forward(torch.rand([3, 1, 28, 28])).shape).toEqual([3, 10]);
  });
});
