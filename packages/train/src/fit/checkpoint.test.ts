import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nn } from '@minidl/nn';
import { default_generator, manual_seed, rand, type Tensor, tensor } from '@minidl/tensor';
import { describe, expect, it } from 'vitest';
import { Adam } from '../optim/adam.js';
import { ExponentialLR } from '../optim/lr_scheduler.js';
import { save_file } from '../safetensors/safetensors.js';
import { load_checkpoint, save_checkpoint } from './checkpoint.js';

function trained() {
  const model = new nn.Linear(3, 2);
  const optimizer = new Adam(model.parameters(), { lr: 0.1 });
  const scheduler = new ExponentialLR(optimizer, 0.5);
  for (let i = 0; i < 2; i++) {
    for (const p of model.parameters())
      p.grad = tensor(Array.from({ length: p.numel() }, (_, k) => k - i)).view([...p.shape]);
    optimizer.step();
    scheduler.step();
  }
  return { model, optimizer, scheduler };
}

describe('checkpoints', () => {
  it('restore model, optimizer, scheduler and position; return the global generator state', () => {
    manual_seed(1);
    const a = trained();
    const path = join(mkdtempSync(join(tmpdir(), 'minidl-ckpt-')), 'c.safetensors');
    const rngBefore = default_generator.get_state();
    save_checkpoint(path, a, { epoch: 4, step: 321, extra: { note: 'x' } });
    const expectedRand = rand([1]).item();

    manual_seed(2);
    const model = new nn.Linear(3, 2);
    const optimizer = new Adam(model.parameters(), { lr: 0.1 });
    const b = { model, optimizer, scheduler: new ExponentialLR(optimizer, 0.5) };
    const info = load_checkpoint(path, b);
    expect(info.epoch).toBe(4);
    expect(info.step).toBe(321);
    expect(info.extra).toEqual({ note: 'x' });
    expect(Array.from(info.rng_state)).toEqual(Array.from(rngBefore));
    default_generator.set_state(info.rng_state);
    expect(rand([1]).item()).toBe(expectedRand);
    for (const [name, t] of Object.entries(a.model.state_dict())) {
      expect(b.model.state_dict()[name]!.tolist(), name).toEqual(t.tolist());
    }
    const [sa, sb] = [a.optimizer.state_dict(), b.optimizer.state_dict()];
    expect(sb.param_groups).toEqual(sa.param_groups);
    expect(sb.state[0]!.step).toBe(2);
    expect((sb.state[1]!.exp_avg_sq as Tensor).tolist()).toEqual(
      (sa.state[1]!.exp_avg_sq as Tensor).tolist(),
    );
    expect(b.scheduler.get_last_lr()).toEqual([0.025]);
    b.scheduler.step();
    expect(b.optimizer.param_groups[0]!.lr).toBe(0.0125);
  });

  it('names the file when it is not a checkpoint', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'minidl-ckpt-')), 'weights.safetensors');
    save_file({ w: tensor([1]) }, path);
    expect(() => load_checkpoint(path, {})).toThrow(`${path}: not a minidl training checkpoint`);
  });
});
