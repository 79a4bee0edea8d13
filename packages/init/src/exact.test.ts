import { empty, Generator, manual_seed, type Tensor } from '@minidl/tensor';
import { describe, expect, it, vi } from 'vitest';
import { type ExactCase, expectBits, fixture, peekGlobalDraws } from './fixtures.test-helpers.js';
import {
  calculate_fan_in_and_fan_out,
  kaiming_normal_,
  kaiming_uniform_,
  normal_,
  sparse_,
  trunc_normal_,
  uniform_,
  xavier_normal_,
  xavier_uniform_,
} from './index.js';

/** A fresh float32 tensor of the case's shape and memory layout. */
function target(c: ExactCase): Tensor {
  if (c.layout === 'transposed') return empty([...c.shape].reverse()).t();
  if (c.layout === 'channels_last') {
    const [n, ch, h, w] = c.shape as [number, number, number, number];
    return empty([n, h, w, ch]).permute(0, 3, 1, 2);
  }
  return empty(c.shape);
}

/** Runs one fixture case the way a PyTorch user's call ports: same positional/keyword split. */
function run(c: ExactCase): Float32Array {
  const generator =
    c.generator_seed === undefined ? undefined : new Generator().manual_seed(c.generator_seed);
  const kw = { ...c.kwargs, ...(generator ? { generator } : {}) } as Record<string, never>;
  const t = target(c);
  const fns: Record<string, (t: Tensor) => unknown> = {
    uniform_: (x) => uniform_(x, kw),
    normal_: (x) => normal_(x, kw),
    kaiming_uniform_: (x) => kaiming_uniform_(x, kw),
    kaiming_normal_: (x) => kaiming_normal_(x, kw),
    xavier_uniform_: (x) => xavier_uniform_(x, kw),
    xavier_normal_: (x) => xavier_normal_(x, kw),
    trunc_normal_: (x) => trunc_normal_(x, kw),
    sparse_: (x) => sparse_(x, c.kwargs.sparsity as number, kw),
  };
  if (c.fn === 'nn.Linear' || c.fn === 'nn.Conv2d') {
    // reset_parameters: kaiming_uniform_(weight, a=sqrt(5)), then bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    kaiming_uniform_(t, Math.sqrt(5));
    const [fanIn] = calculate_fan_in_and_fan_out(t);
    const bias = uniform_(empty([c.shape[0]!]), -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn));
    const out = new Float32Array(t.numel() + bias.numel());
    out.set(t.toFloat32Array());
    out.set(bias.toFloat32Array(), t.numel());
    return out;
  }
  const fn = fns[c.fn];
  if (!fn) throw new Error(`no runner for ${c.fn}`);
  fn(t);
  return t.toFloat32Array();
}

describe('bit-exact with torch.nn.init after torch.manual_seed (torch 2.13 fixtures)', () => {
  const byFn = new Map<string, ExactCase[]>();
  for (const c of fixture.exact) byFn.set(c.fn, [...(byFn.get(c.fn) ?? []), c]);
  for (const [fn, cases] of byFn) {
    it(`${fn}: ${cases.length} cases`, () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      for (const c of cases) {
        const label = `seed ${c.seed}${c.generator_seed === undefined ? '' : ` generator ${c.generator_seed}`}${c.layout ? ` ${c.layout}` : ''} ${fn}(${JSON.stringify(c.kwargs)}) shape [${c.shape}]`;
        manual_seed(c.seed);
        expectBits(run(c), c.out, label);
        expect(peekGlobalDraws(), `${label}: global generator afterwards`).toEqual(c.raw_after);
      }
      warn.mockRestore();
    });
  }
});
