// bernoulli_, torch.bernoulli and dropout's mask against torch 2.13 (tools/fixtures/rng.py): the same
// 0/1 draws, the same float32 outputs and the same generator state afterwards, for the same seed.
import { describe, expect, it } from 'vitest';
import * as torch from '../index.js';
import { type After, type Encoded, expectBits, loadFixture } from '../random/fixture.test-helpers.js';

interface BernoulliCase {
  seed: number;
  op: 'dropout' | 'bernoulli_' | 'bernoulli';
  p?: number;
  shape: number[];
  input?: Encoded;
  out: Encoded;
  after: After;
}

const fx = loadFixture<{ bernoulli: BernoulliCase[] }>('../../random/fixtures/rng.json');

/**
 * The fixture's input rebuilt from its recipe (dropout: `arange(n) * 0.37 - 5`; bernoulli:
 * `linspace(0, 1, n)`), checked against PyTorch's bit patterns (large inputs are stored as a hash).
 */
function rebuild(c: BernoulliCase): torch.Tensor {
  const n = c.shape.reduce((a, b) => a * b, 1);
  const x = c.op === 'dropout' ? torch.arange(n).float().mul(0.37).sub(5) : torch.linspace(0, 1, n);
  expectBits(x.toFloat32Array(), c.input!, 'fixture input');
  return x.reshape(c.shape);
}

function expectNextDraws(after: After, label: string): void {
  const probe = new torch.Generator().set_state(torch.get_rng_state());
  expect([probe.random(), probe.random(), probe.random(), probe.random()], `${label}: next draws`).toEqual(
    after.raw,
  );
}

describe('bernoulli draws against torch 2.13 (bit-exact)', () => {
  for (const c of fx.bernoulli) {
    const label = `${c.op} seed ${c.seed} p ${c.p ?? 'tensor'} [${c.shape}]`;
    it(label, () => {
      const input = c.input ? rebuild(c) : null;
      torch.manual_seed(c.seed);
      const out =
        c.op === 'dropout'
          ? torch.dropout(input!, c.p!, true)
          : c.op === 'bernoulli_'
            ? torch.empty(c.shape).bernoulli_(c.p!)
            : torch.bernoulli(input!);
      expectBits(out.toFloat32Array(), c.out, label);
      expectNextDraws(c.after, label);
    });
  }

  it('the gradient of dropout is the same scaled mask', () => {
    const c = fx.bernoulli.find((k) => k.op === 'dropout' && k.p === 0.25)!;
    const x = torch.ones(c.shape, { requires_grad: true });
    torch.manual_seed(c.seed);
    torch.dropout(x, 0.25, true).sum().backward();
    const mask = x.grad!.toFloat32Array();
    torch.manual_seed(c.seed);
    const noise = torch.empty(c.shape).bernoulli_(0.75).div(0.75).toFloat32Array();
    expect(mask).toEqual(noise);
    expect(new Set(mask)).toEqual(new Set([0, Math.fround(1 / 0.75)]));
  });

  it('rejects probabilities outside [0, 1] with the value and the fix', () => {
    expect(() => torch.empty([3]).bernoulli_(1.5)).toThrow(
      'bernoulli_ expects p to be in [0, 1], but got p=1.5',
    );
    expect(() => torch.bernoulli(torch.tensor([0.5, 1.5]))).toThrow(
      'bernoulli expects probabilities in [0, 1], but element 1 is 1.5; clamp them first',
    );
    expect(() => torch.bernoulli(torch.tensor([0, 1]))).toThrow(/float32 tensor of probabilities, got int64/);
  });
});
