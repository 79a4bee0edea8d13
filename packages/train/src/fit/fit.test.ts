import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { F, nn } from '@minidl/nn';
import { Generator, manual_seed, randn, type Tensor, tensor } from '@minidl/tensor';
import { describe, expect, it } from 'vitest';
import { DataLoader } from '../data/dataloader.js';
import { TensorDataset } from '../data/dataset.js';
import { Adam } from '../optim/adam.js';
import { OneCycleLR, StepLR } from '../optim/lr_scheduler.js';
import { SGD } from '../optim/sgd.js';
import { load_file } from '../safetensors/safetensors.js';
import { type EpochRecord, evaluate, fit, NonFiniteLossError } from './fit.js';

/** Three well separated 2-d blobs, 20 points each (class k centred at angle 2 pi k / 3). */
function blobs(seed: number): [Tensor, Tensor] {
  const g = new Generator().manual_seed(seed);
  const noise = randn([60, 2], { generator: g }).mul(0.3).toFloat32Array();
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 60; i++) {
    const k = i % 3;
    x.push([
      2 * Math.cos((2 * Math.PI * k) / 3) + noise[2 * i]!,
      2 * Math.sin((2 * Math.PI * k) / 3) + noise[2 * i + 1]!,
    ]);
    y.push(k);
  }
  return [tensor(x), tensor(y, { dtype: 'int64' })];
}

const [trainX, trainY] = blobs(1);
const [valX, valY] = blobs(2);

/** A model and loaders; `shuffleSeed` null shuffles with the global generator instead of an own one. */
function setup(shuffleSeed: number | null = 0) {
  manual_seed(0);
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 3));
  const train_loader = new DataLoader(new TensorDataset(trainX, trainY), {
    batch_size: 8,
    shuffle: true,
    generator: shuffleSeed === null ? undefined : new Generator().manual_seed(shuffleSeed),
  });
  const val_loader = new DataLoader(new TensorDataset(valX, valY), { batch_size: 16 });
  return { model, train_loader, val_loader };
}

/** Cross-entropy on logits perturbed by noise from the global generator (like dropout, it makes the run depend on the RNG state). */
const noisyLoss = (out: Tensor, y: Tensor) => F.cross_entropy(out.add(randn(out.shape).mul(0.1)), y);

function weights(model: nn.Module): number[][] {
  return [...model.parameters()].map((p) => Array.from(p.toFloat32Array()));
}

describe('fit', () => {
  it('trains: loss falls, accuracy rises, callbacks fire per step and per epoch', async () => {
    const { model, train_loader, val_loader } = setup();
    const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const steps: number[] = [];
    const epochs: EpochRecord[] = [];
    const lines: string[] = [];
    const history = await fit(model, {
      optimizer,
      loss: F.cross_entropy,
      train_loader,
      val_loader,
      epochs: 4,
      callbacks: [
        { on_step_end: (s) => void steps.push(s.global_step), on_epoch_end: (r) => void epochs.push(r) },
      ],
      progress: 'log',
      log: (line) => lines.push(line),
    });
    expect(history).toHaveLength(4);
    expect(epochs).toEqual(history);
    expect(steps).toEqual(Array.from({ length: 32 }, (_, i) => i + 1)); // 8 batches of 8 per epoch
    expect(history[3]!.train_loss).toBeLessThan(history[0]!.train_loss);
    expect(history[3]!.val_acc).toBeGreaterThan(0.9);
    const again = await evaluate(model, val_loader, F.cross_entropy);
    expect(again).toEqual({ loss: history[3]!.val_loss, accuracy: history[3]!.val_acc, samples: 60 });
    expect(history[0]!.samples_per_s).toBeGreaterThan(0);
    expect(
      lines.filter((l) => /^epoch \d\/4 \| train loss .* acc .* \| val loss .* samples\/s/.test(l)),
    ).toHaveLength(4);
    expect(lines.some((l) => /^epoch 1\/4 {2}step 1\/8 {2}loss \d/.test(l))).toBe(true);
  });

  it('rejects bad epochs and scheduler_interval', async () => {
    const { model, train_loader } = setup();
    const base = {
      optimizer: new SGD(model.parameters(), 0.1),
      loss: F.cross_entropy,
      train_loader,
      progress: 'none' as const,
    };
    await expect(fit(model, { ...base, epochs: 1.5 })).rejects.toThrow(
      'fit: epochs must be a non-negative integer, got 1.5',
    );
    await expect(fit(model, { ...base, epochs: 1, scheduler_interval: 'batch' as 'step' })).rejects.toThrow(
      "scheduler_interval must be 'epoch' or 'step', got batch",
    );
  });

  it('steps a per-batch schedule (OneCycleLR) after every batch', async () => {
    const { model, train_loader } = setup();
    const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const scheduler = new OneCycleLR(optimizer, 0.5, { total_steps: 16 });
    const lrs: number[] = [];
    await fit(model, {
      optimizer,
      scheduler,
      scheduler_interval: 'step',
      loss: F.cross_entropy,
      train_loader,
      epochs: 2,
      progress: 'none',
      callbacks: [{ on_step_end: (s) => void lrs.push(s.lr) }],
    });
    expect(lrs).toHaveLength(16);
    expect(lrs.at(-1)).toBeCloseTo(0.5 / 25 / 1e4, 12); // min_lr at the last step
    expect(Math.max(...lrs)).toBeCloseTo(0.5, 2);
  });

  it('stops on a NaN loss before the update, naming epoch and step and suggesting a lower lr', async () => {
    const { model, val_loader } = setup();
    const x = trainX.clone();
    const values = x.toFloat32Array();
    values[2 * 19] = Number.NaN; // sample 19 is in batch 3 (0-based 2) without shuffling
    const loader = new DataLoader(new TensorDataset(tensor(values).view([60, 2]), trainY), {
      batch_size: 8,
    });
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const run = fit(model, {
      optimizer,
      loss: F.cross_entropy,
      train_loader: loader,
      val_loader,
      epochs: 1,
      progress: 'none',
    });
    await expect(run).rejects.toThrow(NonFiniteLossError);
    await expect(run).rejects.toThrow(/loss is NaN at epoch 1, step 3; .*lower learning rate \(now 0\.1\)/);
    expect(weights(model).flat().every(Number.isFinite)).toBe(true);
  });

  for (const [what, shuffleSeed] of [
    ['its own generator', 3],
    ['the global generator', null],
  ] as const) {
    it(`resumes after a kill with the same final weights as an uninterrupted run (shuffled by ${what})`, async () => {
      const run = async (path: string | undefined, killAt?: number) => {
        const { model, train_loader, val_loader } = setup(shuffleSeed);
        const optimizer = new Adam(model.parameters(), { lr: 0.01 });
        const scheduler = new StepLR(optimizer, 1, { gamma: 0.5 });
        const history = await fit(model, {
          optimizer,
          scheduler,
          loss: noisyLoss,
          train_loader,
          val_loader,
          epochs: 3,
          progress: 'none',
          checkpoint: path ? { path, every_n_steps: 3 } : undefined,
          callbacks: [
            {
              on_step_end: (s) => {
                if (s.global_step === killAt) throw new Error('killed');
              },
            },
          ],
        });
        return { model, history, optimizer };
      };
      const reference = await run(undefined);

      const dir = mkdtempSync(join(tmpdir(), 'minidl-fit-'));
      const path = join(dir, 'ckpt.safetensors');
      // Killed at step 11 (epoch 2, batch 3): the last checkpoint is from step 9; steps 10-11 are redone.
      await expect(run(path, 11)).rejects.toThrow('killed');
      expect(readdirSync(dir)).toEqual(['ckpt.safetensors']);
      expect(Object.keys(load_file(path)).filter((k) => k.startsWith('model.'))).toEqual([
        'model.0.bias',
        'model.0.weight',
        'model.2.bias',
        'model.2.weight',
      ]);
      // A fresh process: new objects (the model even starts from other weights), same options.
      manual_seed(123);
      const resumed = await run(path);
      expect(weights(resumed.model)).toEqual(weights(reference.model));
      expect(resumed.history.map((h) => h.train_loss)).toEqual(reference.history.map((h) => h.train_loss));
      expect(resumed.history.map((h) => h.val_acc)).toEqual(reference.history.map((h) => h.val_acc));
      expect(resumed.optimizer.param_groups[0]!.lr).toBe(0.01 * 0.125);
    });
  }
});
