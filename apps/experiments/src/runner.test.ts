import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticTrainer } from '../test/synthetic-trainer.js';
import { libraryVersions, runConfigOf } from './config.js';
import { parseOptions } from './options.js';
import type { ProgressInfo } from './progress.js';
import { type ExperimentPlan, runExperiment } from './runner.js';
import { BUILTIN_SCHEMES, type Scheme } from './schemes.js';
import { RunStore } from './store.js';

const plan = (schemes: Scheme[], epochs = 3): ExperimentPlan => ({
  schemes,
  seeds: [0, 1],
  config: runConfigOf(parseOptions(['--epochs', String(epochs), '--log-every', '10'])),
  versions: libraryVersions(1),
});

function recorder() {
  const updates: ProgressInfo[] = [];
  const logs: string[] = [];
  return { updates, logs, update: (i: ProgressInfo) => updates.push(i), log: (m: string) => logs.push(m) };
}

describe('runExperiment', () => {
  it('runs every scheme and seed, reporting overall progress', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minidl-run-'));
    const p = plan([BUILTIN_SCHEMES.kaiming, BUILTIN_SCHEMES.xavier], 2);
    const fake = syntheticTrainer({ stepsPerEpoch: 20 });
    const out = recorder();
    const runs = await runExperiment(p, RunStore.open(dir, p.config), fake.trainRun, out);
    expect(runs.map((r) => `${r.scheme}/${r.seed}`)).toEqual([
      'kaiming/0',
      'kaiming/1',
      'xavier/0',
      'xavier/1',
    ]);
    // Seed-major order: both schemes of seed 0 first.
    expect(fake.trained.slice(0, 4)).toEqual(['kaiming/0/1', 'kaiming/0/2', 'xavier/0/1', 'xavier/0/2']);
    const last = out.updates[out.updates.length - 1]!;
    expect(last.done).toBe(last.total);
    expect(last.total).toBe(4 * 40);
  });

  it('after a kill, skips finished runs and continues the unfinished one from its checkpoint without loss', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minidl-resume-'));
    const p = plan([BUILTIN_SCHEMES.kaiming]);
    const dying = syntheticTrainer({ stepsPerEpoch: 20, dieAfterEpoch: 2 });
    // Seed 0 dies after its second epoch (its checkpoint holds epochs 1-2).
    await expect(runExperiment(p, RunStore.open(dir, p.config), dying.trainRun, recorder())).rejects.toThrow(
      'killed',
    );
    expect(dying.trained).toEqual(['kaiming/0/1', 'kaiming/0/2']);

    const healthy = syntheticTrainer({ stepsPerEpoch: 20 });
    const out = recorder();
    const runs = await runExperiment(p, RunStore.open(dir, p.config), healthy.trainRun, out);
    expect(healthy.trained).toEqual(['kaiming/0/3', 'kaiming/1/1', 'kaiming/1/2', 'kaiming/1/3']);
    expect(out.logs).toContain('kaiming seed 0: resuming from its checkpoint (2 of 3 epochs done)');
    const uninterrupted = await syntheticTrainer({ stepsPerEpoch: 20 }).trainRun(
      { scheme: BUILTIN_SCHEMES.kaiming, seed: 0, config: p.config, versions: p.versions },
      { checkpoint: () => {}, step: () => {} },
    );
    expect(runs[0]!.history).toEqual(uninterrupted.history);
    expect(runs[0]!.steps).toEqual(uninterrupted.steps);

    // A third start has nothing left to do.
    const idle = syntheticTrainer({ stepsPerEpoch: 20 });
    const again = recorder();
    await runExperiment(p, RunStore.open(dir, p.config), idle.trainRun, again);
    expect(idle.trained).toEqual([]);
    expect(again.logs).toEqual([
      'kaiming seed 0: already finished, skipped',
      'kaiming seed 1: already finished, skipped',
    ]);
  });

  it('refuses to reuse a run made by an edited scheme module', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minidl-module-'));
    const mine: Scheme = { name: 'mine', description: '', initLayer: () => {}, sourceSha256: 'aaa' };
    const p = plan([mine], 1);
    await runExperiment(
      p,
      RunStore.open(dir, p.config),
      syntheticTrainer({ stepsPerEpoch: 5 }).trainRun,
      recorder(),
    );
    const edited = plan([{ ...mine, sourceSha256: 'bbb' }], 1);
    await expect(
      runExperiment(
        edited,
        RunStore.open(dir, edited.config),
        syntheticTrainer({ stepsPerEpoch: 5 }).trainRun,
        recorder(),
      ),
    ).rejects.toThrow("finished run of scheme 'mine' was made with a different version of its module");
  });
});
