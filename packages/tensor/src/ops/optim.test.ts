// The fused SGD and Adam steps: the wasm kernel and the host loop give the same float32 values, which are the
// rounding of PyTorch's float32 ops with each add_(x, alpha) fused (@minidl/train's SGD checks the
// trajectories against PyTorch's own); bad operands are refused before anything is written.
import { afterEach, describe, expect, it } from 'vitest';
import * as torch from '../index.js';

const f = Math.fround;

/** torch/optim/sgd.py's update, op by op in float32 (add_ with alpha one fused multiply-add). */
function reference(p: number[], g: number[], buf: number[], o: torch.SgdStepOptions): void {
  const [lr, mom, damp, wd] = [
    f(-o.lr),
    f(o.momentum ?? 0),
    f(1 - (o.dampening ?? 0)),
    f(o.weight_decay ?? 0),
  ];
  for (let i = 0; i < p.length; i++) {
    let d = o.maximize ? -g[i]! : g[i]!;
    if (wd !== 0) d = f(p[i]! * wd + d);
    if (mom !== 0) {
      buf[i] = o.first ? d : f(d * damp + f(buf[i]! * mom));
      d = o.nesterov ? f(buf[i]! * mom + d) : buf[i]!;
    }
    p[i] = f(d * lr + p[i]!);
  }
}

/** torch/optim/adam.py's update, op by op in float32 (lerp_, addcmul_ and add_(alpha) fused). */
function adamReference(
  p: number[],
  g: number[],
  m: number[],
  v: number[],
  vmax: number[],
  o: torch.AdamStepOptions,
): void {
  const [beta1, beta2] = o.betas ?? [0.9, 0.999];
  const weightDecay = o.weight_decay ?? 0;
  const [w1, w2, b2, eps, wd] = [f(1 - beta1), f(1 - beta2), f(beta2), f(o.eps ?? 1e-8), f(weightDecay)];
  const negStep = f(-o.lr / (1 - beta1 ** o.step));
  const bc2 = f(Math.sqrt(1 - beta2 ** o.step));
  for (let i = 0; i < p.length; i++) {
    let d = o.maximize ? -g[i]! : g[i]!;
    if (wd !== 0) {
      if (o.decoupled_weight_decay) p[i] = f(p[i]! * f(1 - o.lr * weightDecay));
      else d = f(p[i]! * wd + d);
    }
    const diff = f(d - m[i]!);
    m[i] = w1 < 0.5 ? f(w1 * diff + m[i]!) : f(d - diff * f(1 - w1));
    v[i] = f(f(w2 * d) * d + f(v[i]! * b2));
    if (o.amsgrad) vmax[i] = Math.max(vmax[i]!, v[i]!);
    const second = o.amsgrad ? vmax[i]! : v[i]!;
    p[i] = f(p[i]! + f(f(negStep * m[i]!) / f(f(f(Math.sqrt(second)) / bc2) + eps)));
  }
}

const values = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => f(Math.sin(seed * 1000 + i * 12.9898) * 3.7));

describe('sgd_step_', () => {
  afterEach(() => torch.set_backend('wasm'));

  const configs: torch.SgdStepOptions[] = [
    { lr: 0.1 },
    { lr: 0.013, momentum: 0.9 },
    { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-3 },
    { lr: 0.07, momentum: 0.5, dampening: 0.3, maximize: true, weight_decay: 0.2 },
  ];
  for (const backend of ['wasm', 'js'] as const) {
    for (const cfg of configs) {
      it(`${backend}: ${JSON.stringify(cfg)} over three steps, bit for bit`, () => {
        torch.set_backend(backend);
        const n = 37; // a SIMD body and a scalar tail
        const p = values(n, 1);
        const buf = new Array<number>(n).fill(0);
        const param = torch.tensor(new Float32Array(p));
        const momentum = cfg.momentum ? torch.empty([n]) : null;
        for (let step = 0; step < 3; step++) {
          const g = values(n, step + 2);
          const o = { ...cfg, first: step === 0 };
          reference(p, g, buf, o);
          torch.sgd_step_(param, torch.tensor(new Float32Array(g)), momentum, o);
          expect(Array.from(param.toFloat32Array())).toEqual(p);
          if (momentum) expect(Array.from(momentum.toFloat32Array())).toEqual(buf);
        }
      });
    }
  }

  const adamConfigs: Omit<torch.AdamStepOptions, 'step'>[] = [
    { lr: 1e-3 },
    { lr: 1e-2, weight_decay: 0.1, amsgrad: true },
    { lr: 1e-2, betas: [0.3, 0.9], eps: 1e-6, maximize: true },
    { lr: 3e-3, weight_decay: 0.05, decoupled_weight_decay: true, amsgrad: true },
  ];
  for (const backend of ['wasm', 'js'] as const) {
    for (const cfg of adamConfigs) {
      it(`${backend}: adam_step_ ${JSON.stringify(cfg)} over three steps, bit for bit`, () => {
        torch.set_backend(backend);
        const n = 29;
        const p = values(n, 7);
        const [m, v, vmax] = [0, 0, 0].map(() => new Array<number>(n).fill(0)) as [
          number[],
          number[],
          number[],
        ];
        const param = torch.tensor(new Float32Array(p));
        const [tm, tv] = [torch.zeros([n]), torch.zeros([n])];
        const tvmax = cfg.amsgrad ? torch.zeros([n]) : null;
        for (let step = 1; step <= 3; step++) {
          const g = values(n, step + 9);
          adamReference(p, g, m, v, vmax, { ...cfg, step });
          torch.adam_step_(param, torch.tensor(new Float32Array(g)), tm, tv, tvmax, { ...cfg, step });
          expect(Array.from(param.toFloat32Array())).toEqual(p);
          expect(Array.from(tm.toFloat32Array())).toEqual(m);
          expect(Array.from(tv.toFloat32Array())).toEqual(v);
          if (tvmax) expect(Array.from(tvmax.toFloat32Array())).toEqual(vmax);
        }
      });
    }
  }

  it('float64 parameters step in double precision (host loop on every backend)', () => {
    const n = 9;
    const p = values(n, 3);
    const g = values(n, 4);
    const param = torch.tensor(new Float64Array(p));
    const [m, v] = [torch.zeros([n], { dtype: 'float64' }), torch.zeros([n], { dtype: 'float64' })];
    torch.adam_step_(param, torch.tensor(new Float64Array(g)), m, v, null, { lr: 0.1, step: 1 });
    // step 1 of Adam moves every weight by lr * g / (|g| + eps') in exact arithmetic
    const got = param.tolist() as number[];
    for (let i = 0; i < n; i++) {
      const exact = p[i]! - (0.1 * g[i]!) / (Math.abs(g[i]!) + 1e-8);
      expect(Math.abs(got[i]! - exact)).toBeLessThan(1e-15);
    }
    const w = torch.tensor(new Float64Array([0.1, 0.2]));
    torch.sgd_step_(w, torch.tensor(new Float64Array([1, 1])), null, { lr: 0.01 });
    expect(w.tolist()).toEqual([0.1 - 0.01, 0.2 - 0.01]);
    expect(() => torch.sgd_step_(w, torch.ones([2]), null, { lr: 1 })).toThrow(
      'grad must be float64 like the parameter, got float32',
    );
  });

  it('writes in place and bumps the version counters, so autograd sees the change', () => {
    const w = torch.ones([4], { requires_grad: true });
    const y = w.mul(w).sum();
    const buf = torch.zeros([4]);
    const storage = w.storage;
    torch.no_grad(() => torch.sgd_step_(w, torch.ones([4]), buf, { lr: 0.5, momentum: 0.9, first: true }));
    expect(w.storage).toBe(storage);
    expect(w.tolist()).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(() => y.backward()).toThrow(/modified by an inplace operation/);
  });

  it('refuses operands it cannot update, naming the problem and the fix', () => {
    const w = torch.zeros([2, 3]);
    const g = torch.ones([2, 3]);
    expect(() => torch.sgd_step_(w, g, null, { lr: 1, momentum: 0.9 })).toThrow(
      'momentum needs a momentum_buffer',
    );
    expect(() => torch.sgd_step_(w, torch.ones([5]), null, { lr: 1 })).toThrow(
      'grad has 5 elements, the parameter has 6',
    );
    expect(() => torch.sgd_step_(w, g.t(), null, { lr: 1 })).toThrow(
      'grad must be contiguous; call .contiguous()',
    );
    expect(() => torch.sgd_step_(w, torch.ones([2, 3], { dtype: 'int64' }), null, { lr: 1 })).toThrow(
      'grad must be float32 like the parameter, got int64',
    );
    expect(() =>
      torch.adam_step_(w, g, torch.zeros([5]), torch.zeros([2, 3]), null, { lr: 1, step: 1 }),
    ).toThrow('adam_step_: exp_avg has 5 elements, the parameter has 6');
    expect(() =>
      torch.adam_step_(w, g, torch.zeros([2, 3]), torch.zeros([2, 3]), null, {
        lr: 1,
        step: 1,
        amsgrad: true,
      }),
    ).toThrow('amsgrad needs a max_exp_avg_sq buffer');
    const leaf = torch.zeros([2], { requires_grad: true });
    expect(() => torch.sgd_step_(leaf, torch.ones([2]), null, { lr: 1 })).toThrow(
      /leaf Variable that requires grad/,
    );
    expect(w.tolist()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});
