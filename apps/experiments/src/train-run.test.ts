import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { libraryVersions, runConfigOf } from './config.js';
import { parseOptions } from './options.js';
import type { RunHooks, RunSpec } from './runner.js';
import { BUILTIN_SCHEMES } from './schemes.js';
import type { Checkpoint } from './store.js';
import { createTrainer } from './train-run.js';

// A small deep MLP keeps these real-training tests to a few seconds.
const config = runConfigOf(
  parseOptions([
    '--model',
    'deep-mlp',
    '--depth',
    '3',
    '--width',
    '32',
    '--epochs',
    '2',
    '--batch-size',
    '100',
    '--lr',
    '0.05',
    '--log-every',
    '10',
  ]),
);
const spec: RunSpec = { scheme: BUILTIN_SCHEMES.kaiming, seed: 3, config, versions: libraryVersions(1) };
const quiet = (extra: Partial<RunHooks> = {}): RunHooks => ({
  checkpoint: () => {},
  step: () => {},
  ...extra,
});

describe('createTrainer', () => {
  it('trains, records per-epoch history, logged steps and per-layer diagnostics', async () => {
    const { trainRun } = await createTrainer({ data: null, threads: 1 });
    const run = await trainRun(spec, quiet());
    expect(run.history.map((h) => [h.epoch, h.step])).toEqual([
      [1, 80],
      [2, 160],
    ]);
    expect(run.steps.map((s) => s.step).slice(0, 3)).toEqual([10, 20, 30]);
    expect(run.init.test_acc).toBeLessThan(0.3);
    expect(run.history[1]!.test_acc).toBeGreaterThan(0.8);
    expect(run.diagnostics.map((d) => d.epoch)).toEqual([0, 1, 2]);
    const [first] = run.diagnostics[0]!.layers;
    expect(run.diagnostics[0]!.layers.map((l) => l.name)).toEqual(['net.0', 'net.2', 'net.4']);
    // kaiming_normal_ on Linear(784, 32): weight std = sqrt(2 / 784).
    expect(first!.weight_std).toBeCloseTo(Math.sqrt(2 / 784), 2);
    expect(first!.grad_norm).toBeGreaterThan(0);
    expect(run.samples_per_s).toBeGreaterThan(0);
  });

  it('resumes from an epoch checkpoint to exactly the uninterrupted result', async () => {
    const { trainRun } = await createTrainer({ data: null, threads: 1 });
    const whole = await trainRun(spec, quiet());
    let saved: Checkpoint | undefined;
    await expect(
      trainRun(
        spec,
        quiet({
          checkpoint: (c) => {
            saved = structuredClone(c);
            throw new Error('killed after epoch 1');
          },
        }),
      ),
    ).rejects.toThrow('killed');
    expect(saved!.partial.history).toHaveLength(1);
    const resumed = await trainRun(spec, quiet({ resume: saved! }));
    expect(resumed.history.map((h) => [h.test_loss, h.test_acc, h.train_loss])).toEqual(
      whole.history.map((h) => [h.test_loss, h.test_acc, h.train_loss]),
    );
    expect(resumed.steps).toEqual(whole.steps);
  });

  it('resumes from a mid-epoch checkpoint to exactly the uninterrupted result', async () => {
    // checkpointSeconds 0: a checkpoint after every step; die at step 30 of 80 in epoch 1.
    const { trainRun } = await createTrainer({ data: null, threads: 1, checkpointSeconds: 0 });
    const whole = await trainRun(spec, quiet());
    let saved: Checkpoint | undefined;
    await expect(
      trainRun(
        spec,
        quiet({
          checkpoint: (c) => {
            if ((c.state as { step: number }).step < 30) return;
            saved = structuredClone(c);
            throw new Error('killed at step 30');
          },
        }),
      ),
    ).rejects.toThrow('killed');
    expect(saved!.partial.history).toHaveLength(0);
    expect(saved!.state).toMatchObject({
      step: 30,
      loader: { batches_done: 30 },
      epoch_progress: { epoch: 1, batches: 30 },
    });
    const resumed = await trainRun(spec, quiet({ resume: saved! }));
    expect(resumed.history.map((h) => [h.step, h.test_loss, h.test_acc, h.train_loss, h.train_acc])).toEqual(
      whole.history.map((h) => [h.step, h.test_loss, h.test_acc, h.train_loss, h.train_acc]),
    );
    expect(resumed.steps).toEqual(whole.steps);
    expect(resumed.diagnostics).toEqual(whole.diagnostics);
  });
});

/** An IDX file of unsigned bytes (magic 0x0000 08 rank, big-endian dims, data). */
function idx(shape: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt32BE(0x00000800 + shape.length, 0);
  for (const [i, d] of shape.entries()) header.writeUInt32BE(d, 4 + 4 * i);
  return Buffer.concat([header, data]);
}

describe('createTrainer with --data', () => {
  it('trains on the IDX files of a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minidl-idx-'));
    // Two classes told apart by which half of the image is lit.
    const write = (kind: string, n: number) => {
      const images = new Uint8Array(n * 784);
      const labels = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        labels[i] = i % 2;
        images.fill(255, i * 784 + (i % 2) * 392, i * 784 + (i % 2) * 392 + 392);
      }
      writeFileSync(join(dir, `${kind}-images-idx3-ubyte`), idx([n, 28, 28], images));
      writeFileSync(join(dir, `${kind}-labels-idx1-ubyte`), idx([n], labels));
    };
    write('train', 200);
    write('t10k', 50);
    const { trainRun } = await createTrainer({ data: dir, threads: 1 });
    const run = await trainRun({ ...spec, config: { ...config, data: dir, epochs: 1 } }, quiet());
    expect(run.history[0]!.step).toBe(2);
    expect(run.history[0]!.test_acc).toBe(1);
  });
});
