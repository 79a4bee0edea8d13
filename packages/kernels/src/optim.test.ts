import { beforeAll, describe, expect, it } from 'vitest';
import { put, randArray, rng } from '../test/helpers.js';
import { type AdamOptions, type Kernels, loadKernels, type SgdOptions } from './index.js';

const f = Math.fround;
let k: Kernels;
beforeAll(() => {
  k = loadKernels({ threads: 1 });
});

/**
 * torch.optim.SGD's single-tensor update, each tensor op rounded to float32 and each
 * `add_(x, alpha=a)` one fused multiply-add (PyTorch's vectorized CPU add): `fround(x * a + self)`.
 */
function sgdRef(p: Float32Array, g0: Float32Array, buf: Float32Array, o: SgdOptions): void {
  const mom = f(o.momentum ?? 0);
  const damp1 = f(1 - (o.dampening ?? 0));
  const wd = f(o.weight_decay ?? 0);
  const negLr = f(-o.lr);
  for (let i = 0; i < p.length; i++) {
    let g = o.maximize ? -g0[i]! : g0[i]!;
    if (wd !== 0) g = f(p[i]! * wd + g);
    if (mom !== 0) {
      buf[i] = o.first ? g : f(g * damp1 + f(buf[i]! * mom));
      g = o.nesterov ? f(buf[i]! * mom + g) : buf[i]!;
    }
    p[i] = f(g * negLr + p[i]!);
  }
}

/**
 * torch.optim.Adam/AdamW's single-tensor update in float32 with Python-double scalars; lerp_, addcmul_
 * and add_(alpha) are fused multiply-adds, as in PyTorch's CPU kernels.
 */
function adamRef(
  p: Float32Array,
  g0: Float32Array,
  m: Float32Array,
  v: Float32Array,
  vmax: Float32Array,
  o: AdamOptions,
): void {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const weightDecay = o.weight_decay ?? (o.decoupled ? 1e-2 : 0);
  const wd = f(weightDecay);
  const w1 = f(1 - b1);
  const w2 = f(1 - b2);
  const step = f(-o.lr / (1 - b1 ** o.step));
  const bc2 = f(Math.sqrt(1 - b2 ** o.step));
  for (let i = 0; i < p.length; i++) {
    let g = o.maximize ? -g0[i]! : g0[i]!;
    let pv = p[i]!;
    if (wd !== 0) {
      if (o.decoupled) pv = f(pv * f(1 - o.lr * weightDecay));
      else g = f(pv * wd + g);
    }
    const diff = f(g - m[i]!);
    m[i] = w1 < 0.5 ? f(w1 * diff + m[i]!) : f(g - diff * f(1 - w1));
    v[i] = f(f(w2 * g) * g + f(v[i]! * f(b2)));
    let s = v[i]!;
    if (o.amsgrad) s = vmax[i] = Math.max(vmax[i]!, s);
    const denom = f(f(f(Math.sqrt(s)) / bc2) + f(o.eps ?? 1e-8));
    p[i] = f(pv + f(f(step * m[i]!) / denom));
  }
}

describe('optimizer steps', () => {
  it('SGD matches the float32 reference bit for bit over several steps, every option', () => {
    const r = rng(1);
    const configs: SgdOptions[] = [
      { lr: 0.1 },
      { lr: 0.05, momentum: 0.9 },
      { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-4 },
      { lr: 0.01, momentum: 0.5, dampening: 0.3, maximize: true },
    ];
    for (const cfg of configs) {
      const n = 37;
      const p = randArray(r, n);
      const buf = new Float32Array(n);
      const [pp, pg, pb] = [put(k, p), k.alloc(4 * n), k.alloc(4 * n)];
      for (let step = 0; step < 4; step++) {
        const g = randArray(r, n);
        k.copyIn(pg, g);
        const o = { ...cfg, first: step === 0 };
        sgdRef(p, g, buf, o);
        k.sgdStep(pp, pg, cfg.momentum ? pb : 0, n, o);
        expect(k.readF32(pp, n)).toEqual(p);
      }
    }
  });

  it('Adam and AdamW (with amsgrad, maximize) match the float32 reference bit for bit', () => {
    const r = rng(2);
    const configs: Omit<AdamOptions, 'step'>[] = [
      { lr: 1e-3 },
      { lr: 1e-2, weight_decay: 0.1, amsgrad: true },
      { lr: 1e-2, betas: [0.3, 0.9] }, // 1 - beta1 >= 0.5: lerp's second form
      { lr: 1e-3, decoupled: true },
      {
        lr: 3e-3,
        decoupled: true,
        weight_decay: 0.05,
        betas: [0.8, 0.99],
        eps: 1e-6,
        maximize: true,
        amsgrad: true,
      },
    ];
    for (const cfg of configs) {
      const n = 29;
      const p = randArray(r, n);
      const [m, v, vmax] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
      const [pp, pg, pm, pv, pvm] = [put(k, p), k.alloc(4 * n), put(k, m), put(k, v), put(k, vmax)];
      for (let step = 1; step <= 5; step++) {
        const g = randArray(r, n);
        k.copyIn(pg, g);
        adamRef(p, g, m, v, vmax, { ...cfg, step });
        k.adamStep(pp, pg, pm, pv, cfg.amsgrad ? pvm : 0, n, { ...cfg, step });
        expect(k.readF32(pp, n)).toEqual(p);
        expect(k.readF32(pv, n)).toEqual(v);
        expect(k.readF32(pm, n)).toEqual(m);
      }
    }
  });
});
