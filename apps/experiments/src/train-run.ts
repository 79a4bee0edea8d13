/**
 * The real trainer: builds the model for a seed, applies the scheme, trains with plain
 * `zero_grad / forward / cross_entropy / backward / step` (the tutorial's loop), evaluates on the
 * test split after every epoch, measures per-layer diagnostics on a fixed batch, and checkpoints
 * after every epoch so a killed run continues exactly where it stopped.
 *
 * Randomness mirrors tools/reference/run_reference.py: `manual_seed(seed)` before building the
 * model (layer defaults, then the scheme), and a DataLoader shuffling with its own
 * `Generator().manual_seed(seed)`. Only that generator is consumed during training, so saving its
 * state with the weights makes a resumed run identical to an uninterrupted one.
 */
import * as init from '@minidl/init';
import { F, type nn } from '@minidl/nn';
import * as torch from '@minidl/tensor';
import { Generator, manual_seed, no_grad, type Tensor, tensor } from '@minidl/tensor';
import { data, datasets, optim } from '@minidl/train';
import type { TrainerFactory } from './main.js';
import { buildModel, type WeightLayer, weightLayers } from './model.js';
import type { Diagnostics, LayerStats, PartialRun, RunRecord } from './record.js';
import type { RunHooks, RunSpec } from './runner.js';
import { applyScheme } from './schemes.js';
import type { Checkpoint, StoredTensor } from './store.js';

/** Digits of the training split's start used for the diagnostics (the reference uses the same). */
export const DIAGNOSTIC_BATCH = 128;
const EVAL_BATCH = 500;

type Batch = [Tensor, Tensor];
type Optimizer = optim.SGD | optim.Adam;

/** Mean, sample std (n - 1, like torch.std), L2 norm of a float32 array, accumulated in float64. */
function moments(values: Float32Array): { mean: number; std: number; norm: number } {
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    sum += v;
    squares += v * v;
  }
  const n = values.length;
  const mean = sum / n;
  let centred = 0;
  for (const v of values) centred += (v - mean) ** 2;
  return { mean, std: Math.sqrt(centred / Math.max(1, n - 1)), norm: Math.sqrt(squares) };
}

/**
 * Per-layer statistics on a fixed batch: each weight layer's output (captured by wrapping its
 * forward, like a PyTorch forward hook), dL/dW of the batch's mean cross-entropy, and the weights.
 * Gradients are cleared afterwards so training is unaffected.
 */
function measureLayers(
  model: nn.Module,
  layers: WeightLayer[],
  x: Tensor,
  y: Tensor,
  epoch: number,
): Diagnostics {
  const outputs = new Map<string, Float32Array>();
  for (const { name, module } of layers) {
    const forward = module.forward.bind(module);
    module.forward = (input: Tensor) => {
      const out = forward(input);
      outputs.set(name, out.toFloat32Array());
      return out;
    };
  }
  model.zero_grad();
  try {
    F.cross_entropy(model.forward(x), y).backward();
  } finally {
    for (const { module } of layers) delete (module as { forward?: unknown }).forward;
  }
  const stats: LayerStats[] = layers.map(({ name, module }) => {
    const act = moments(outputs.get(name)!);
    const grad = module.weight.grad;
    return {
      name,
      act_mean: act.mean,
      act_std: act.std,
      grad_norm: grad ? moments(grad.toFloat32Array()).norm : Number.NaN,
      weight_std: moments(module.weight.toFloat32Array()).std,
    };
  });
  model.zero_grad();
  return { epoch, layers: stats };
}

/** Mean cross-entropy and accuracy over a dataset, in batches, without gradients. */
async function evaluate(
  model: nn.Module & { forward(x: Tensor): Tensor },
  loader: data.DataLoader<unknown, Batch>,
) {
  let loss = 0;
  let correct = 0;
  let n = 0;
  model.eval();
  for await (const [x, y] of loader) {
    no_grad(() => {
      const out = model.forward(x);
      loss += F.cross_entropy(out, y, { reduction: 'sum' }).item();
      correct += out.argmax(1).eq(y).sum().item();
      n += y.shape[0]!;
    });
  }
  model.train();
  return { test_loss: loss / n, test_acc: correct / n };
}

/** The entry of `key` in a record of records, created empty on first use. */
function entryOf<V>(record: Record<string, Record<string, V>>, key: string): Record<string, V> {
  record[key] ??= {};
  return record[key];
}

/** Running sums of the epoch in progress; a mid-epoch checkpoint saves them. */
interface EpochProgress {
  epoch: number;
  /** Batches trained in this epoch. */
  batches: number;
  loss: number;
  correct: number;
  seen: number;
  /** Training seconds spent in this epoch so far. */
  seconds: number;
  /** Sums over the current logging window. */
  window: { loss: number; correct: number; n: number; steps: number };
}

function freshEpoch(epoch: number): EpochProgress {
  return {
    epoch,
    batches: 0,
    loss: 0,
    correct: 0,
    seen: 0,
    seconds: 0,
    window: { loss: 0, correct: 0, n: 0, steps: 0 },
  };
}

/** What a checkpoint holds besides tensors. */
interface SavedState {
  optimizer: {
    scalars: Record<string, Record<string, number>>;
    param_groups: optim.OptimizerStateDict['param_groups'];
  };
  /** The DataLoader's state: the generator at the start of the epoch in progress and its batches done. */
  loader: { generator_state: string; batches_done: number };
  step: number;
  /** Present in a mid-epoch checkpoint. */
  epoch_progress?: EpochProgress;
}

/** Model weights, optimizer state, data order and progress as checkpoint tensors plus JSON state. */
function snapshot(
  model: nn.Module,
  opt: Optimizer,
  loader: data.DataLoader<unknown, Batch>,
  step: number,
  progress?: EpochProgress,
): Pick<Checkpoint, 'tensors' | 'state'> {
  const tensors: Record<string, StoredTensor> = {};
  for (const [key, t] of Object.entries(model.state_dict()))
    tensors[`model.${key}`] = { shape: [...t.shape], data: t.toFloat32Array() };
  const sd = opt.state_dict();
  const scalars: Record<string, Record<string, number>> = {};
  for (const [index, entry] of Object.entries(sd.state)) {
    for (const [key, value] of Object.entries(entry)) {
      if (typeof value === 'number') entryOf(scalars, index)[key] = value;
      else tensors[`optim.${index}.${key}`] = { shape: [...value.shape], data: value.toFloat32Array() };
    }
  }
  const ls = loader.state_dict();
  const state: SavedState = {
    optimizer: { scalars, param_groups: sd.param_groups },
    loader: {
      generator_state: Buffer.from(ls.generator_state).toString('base64'),
      batches_done: ls.batches_done,
    },
    step,
    ...(progress ? { epoch_progress: structuredClone(progress) } : {}),
  };
  return { tensors, state: state as unknown as Record<string, unknown> };
}

/** Restores {@link snapshot}; returns the step count and the interrupted epoch's sums, if any. */
function restore(
  ckpt: Checkpoint,
  model: nn.Module,
  opt: Optimizer,
  loader: data.DataLoader<unknown, Batch>,
) {
  const weights: Record<string, Tensor> = {};
  const optimState: Record<string, Record<string, Float32Array | number>> = {};
  for (const [name, t] of Object.entries(ckpt.tensors)) {
    if (name.startsWith('model.')) weights[name.slice(6)] = tensor(t.data).view(t.shape);
    else {
      const [, index, key] = name.split('.') as [string, string, string];
      entryOf(optimState, index)[key] = t.data;
    }
  }
  model.load_state_dict(weights);
  const saved = ckpt.state as unknown as SavedState;
  for (const [index, entry] of Object.entries(saved.optimizer.scalars))
    Object.assign(entryOf(optimState, index), entry);
  opt.load_state_dict({ state: optimState, param_groups: saved.optimizer.param_groups });
  loader.load_state_dict({
    generator_state: new Uint8Array(Buffer.from(saved.loader.generator_state, 'base64')),
    batches_done: saved.loader.batches_done,
  });
  return { step: saved.step, progress: saved.epoch_progress };
}

/**
 * A trainer over the embedded MNIST split (or the IDX files in `data`). Checkpoints are taken at
 * the end of every epoch and, inside an epoch, every `checkpointSeconds` of training (default 60),
 * so a kill loses at most that much work even with full MNIST's long epochs.
 *
 * @example
 * ```ts
 * const { trainRun } = await createTrainer({ data: null, threads: 2 });
 * ```
 */
export const createTrainer: TrainerFactory = async ({ data: folder, threads, checkpointSeconds = 60 }) => {
  torch.set_num_threads(threads); // --threads, as torch.set_num_threads in a PyTorch script
  const train =
    folder === null ? new datasets.MNIST({ train: true }) : new datasets.MNIST(folder, { train: true });
  const test =
    folder === null ? new datasets.MNIST({ train: false }) : new datasets.MNIST(folder, { train: false });
  const fixed = train.__getitems__(
    Array.from({ length: Math.min(DIAGNOSTIC_BATCH, train.__len__()) }, (_, i) => i),
  );
  const testLoader = new data.DataLoader<unknown, Batch>(test, { batch_size: EVAL_BATCH });

  const trainRun = async (spec: RunSpec, hooks: RunHooks): Promise<RunRecord> => {
    const { scheme, seed, config } = spec;
    manual_seed(seed);
    const model = buildModel(config);
    const layers = weightLayers(model);
    applyScheme(scheme, layers, init);
    const params = model.parameters();
    const opt: Optimizer =
      config.optimizer === 'adam'
        ? new optim.Adam(params, { lr: config.lr })
        : new optim.SGD(params, { lr: config.lr });
    const loaderGenerator = new Generator().manual_seed(seed);
    const loader = new data.DataLoader<unknown, Batch>(train, {
      batch_size: config.batch_size,
      shuffle: true,
      generator: loaderGenerator,
    });

    let partial: PartialRun;
    let elapsed = 0;
    let step = 0;
    let resumed: EpochProgress | undefined;
    if (hooks.resume) {
      ({ step, progress: resumed } = restore(hooks.resume, model, opt, loader));
      partial = hooks.resume.partial;
      elapsed = hooks.resume.elapsed_s;
    } else {
      partial = {
        scheme: scheme.name,
        seed,
        config,
        versions: spec.versions,
        ...(scheme.sourceSha256 ? { scheme_sha256: scheme.sourceSha256 } : {}),
        init: await evaluate(model, testLoader),
        history: [],
        steps: [],
        diagnostics: [measureLayers(model, layers, fixed[0], fixed[1], 0)],
        diverged: false,
      };
    }
    const stepsPerEpoch = loader.length;
    const totalSteps = config.epochs * stepsPerEpoch;
    for (
      let epoch = resumed?.epoch ?? partial.history.length + 1;
      epoch <= config.epochs && !partial.diverged;
      epoch++
    ) {
      const p = resumed ?? freshEpoch(epoch);
      resumed = undefined;
      // Training time is counted in segments so that checkpoints and evaluation are left out.
      let segment = performance.now();
      let lastCheckpoint = segment;
      const closeSegment = () => {
        const now = performance.now();
        p.seconds += (now - segment) / 1000;
        elapsed += (now - segment) / 1000;
        segment = now;
      };
      for await (const [x, y] of loader) {
        opt.zero_grad();
        const out = model.forward(x);
        const loss = F.cross_entropy(out, y);
        const value = loss.item();
        if (!Number.isFinite(value)) {
          // Stop before the update, as PyTorch users do on NaN: the record keeps what was learnt.
          partial.diverged = true;
          break;
        }
        loss.backward();
        opt.step();
        step += 1;
        const n = y.shape[0]!;
        const correct = no_grad(() => out.argmax(1).eq(y).sum().item());
        p.batches += 1;
        p.loss += value * n;
        p.correct += correct;
        p.seen += n;
        const w = p.window;
        p.window = { loss: w.loss + value, correct: w.correct + correct, n: w.n + n, steps: w.steps + 1 };
        if (step % config.log_every === 0) {
          partial.steps.push({
            step,
            loss: p.window.loss / p.window.steps,
            acc: p.window.correct / p.window.n,
          });
          p.window = { loss: 0, correct: 0, n: 0, steps: 0 };
        }
        const running = p.seconds + (performance.now() - segment) / 1000;
        hooks.step({ step, totalSteps, epoch, loss: value, samplesPerSecond: p.seen / running });
        if (p.batches < stepsPerEpoch && (performance.now() - lastCheckpoint) / 1000 >= checkpointSeconds) {
          closeSegment();
          hooks.checkpoint({ partial, elapsed_s: elapsed, ...snapshot(model, opt, loader, step, p) });
          segment = performance.now();
          lastCheckpoint = segment;
        }
      }
      closeSegment();
      partial.history.push({
        epoch,
        step,
        train_loss: p.loss / Math.max(1, p.seen),
        train_acc: p.correct / Math.max(1, p.seen),
        ...(await evaluate(model, testLoader)),
        wall_time_s: p.seconds,
        samples_per_s: p.seen / p.seconds,
      });
      partial.diagnostics.push(measureLayers(model, layers, fixed[0], fixed[1], epoch));
      if (epoch < config.epochs && !partial.diverged) {
        hooks.checkpoint({ partial, elapsed_s: elapsed, ...snapshot(model, opt, loader, step) });
      }
    }
    const samples = partial.history.reduce((a, h) => a + h.samples_per_s * h.wall_time_s, 0);
    return { ...partial, wall_time_s: elapsed, samples_per_s: samples / Math.max(elapsed, 1e-9) };
  };
  return { trainRun };
};
