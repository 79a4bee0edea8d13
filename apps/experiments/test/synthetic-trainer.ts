/**
 * A stand-in trainer for tests: produces a plausible, deterministic history in microseconds
 * (accuracy rising as 1 - 0.9 exp(-step / tau), tau depending on the scheme), saves a checkpoint
 * after every epoch but the last, resumes from one, and can be told to "die" after an epoch to
 * simulate a kill.
 */
import type { PartialRun, RunRecord } from '../src/record.js';
import type { RunHooks, RunSpec, TrainRun } from '../src/runner.js';

const TAU: Record<string, number> = { 'small-normal': 1e9, xavier: 400, kaiming: 80 };

export interface SyntheticTrainer {
  trainRun: TrainRun;
  /** Epochs actually trained, as `scheme/seed/epoch`, across calls. */
  trained: string[];
}

export function syntheticTrainer(options: {
  stepsPerEpoch: number;
  dieAfterEpoch?: number;
}): SyntheticTrainer {
  const trained: string[] = [];
  const trainRun: TrainRun = async (spec: RunSpec, hooks: RunHooks): Promise<RunRecord> => {
    const { scheme, seed, config } = spec;
    const tau = (TAU[scheme.name] ?? 200) * (1 + 0.1 * seed);
    const acc = (step: number) => 1 - 0.9 * Math.exp(-step / tau);
    const loss = (step: number) => 2.3 * (1 - acc(step)) + 0.05;
    const layers = (epoch: number) =>
      ['layer.0', 'layer.2', 'fc_layer.0'].map((name, i) => ({
        name,
        act_mean: 0.01 * i,
        act_std: (scheme.name === 'small-normal' ? 0.05 : 1) ** (i + 1) + 0.001 * epoch,
        grad_norm: 0.1 * (i + 1) + seed * 0.01,
        weight_std: 0.02 * (i + 1),
      }));
    const partial: PartialRun = hooks.resume?.partial ?? {
      scheme: scheme.name,
      seed,
      config,
      versions: spec.versions,
      ...(scheme.sourceSha256 ? { scheme_sha256: scheme.sourceSha256 } : {}),
      init: { test_loss: loss(0), test_acc: acc(0) },
      history: [],
      steps: [],
      diagnostics: [{ epoch: 0, layers: layers(0) }],
      diverged: false,
    };
    const totalSteps = config.epochs * options.stepsPerEpoch;
    for (let epoch = partial.history.length + 1; epoch <= config.epochs; epoch++) {
      trained.push(`${scheme.name}/${seed}/${epoch}`);
      for (let s = 1; s <= options.stepsPerEpoch; s++) {
        const step = (epoch - 1) * options.stepsPerEpoch + s;
        if (step % config.log_every === 0) partial.steps.push({ step, loss: loss(step), acc: acc(step) });
        hooks.step({ step, totalSteps, epoch, loss: loss(step), samplesPerSecond: 1000 });
      }
      const step = epoch * options.stepsPerEpoch;
      partial.history.push({
        epoch,
        step,
        train_loss: loss(step),
        train_acc: acc(step),
        test_loss: loss(step) * 1.1,
        test_acc: acc(step) - 0.01,
        wall_time_s: 1,
        samples_per_s: 1000,
      });
      partial.diagnostics.push({ epoch, layers: layers(epoch) });
      if (epoch < config.epochs) {
        hooks.checkpoint({
          partial,
          elapsed_s: epoch,
          tensors: { 'layer.0.weight': { shape: [2], data: new Float32Array([epoch, seed]) } },
          state: { epoch },
        });
      }
      if (options.dieAfterEpoch === epoch) throw new Error('killed');
    }
    return { ...partial, wall_time_s: config.epochs, samples_per_s: 1000 };
  };
  return { trainRun, trained };
}
