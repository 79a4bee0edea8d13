// The fused SGD step: the wasm kernel and the host loop give the same float32 values, which are the
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
      'grad must be float32, got int64',
    );
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
