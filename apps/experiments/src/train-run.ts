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
import { availableParallelism } from 'node:os';
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

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** Model weights and optimizer state as checkpoint tensors plus JSON state. */
function snapshot(model: nn.Module, opt: Optimizer, loaderGenerator: Generator) {
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
  return {
    tensors,
    state: {
      optimizer: { scalars, param_groups: sd.param_groups },
      loader_generator: toBase64(loaderGenerator.get_state()),
    },
  };
}

function restore(ckpt: Checkpoint, model: nn.Module, opt: Optimizer, loaderGenerator: Generator): void {
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
  const saved = ckpt.state as {
    optimizer: {
      scalars: Record<string, Record<string, number>>;
      param_groups: optim.OptimizerStateDict['param_groups'];
    };
    loader_generator: string;
  };
  for (const [index, entry] of Object.entries(saved.optimizer.scalars))
    Object.assign(entryOf(optimState, index), entry);
  opt.load_state_dict({ state: optimState, param_groups: saved.optimizer.param_groups });
  loaderGenerator.set_state(new Uint8Array(Buffer.from(saved.loader_generator, 'base64')));
}

/**
 * Applies `--threads` through `torch.set_num_threads` where @minidl/tensor provides it (PyTorch's
 * name). Until it does, the wasm backend uses every core, and asking for fewer says so.
 */
function setThreads(threads: number): void {
  const set = (torch as unknown as { set_num_threads?: (n: number) => void }).set_num_threads;
  if (set !== undefined) set(threads);
  else if (threads !== availableParallelism()) {
    process.stderr.write(
      `note: --threads ${threads} is not applied: @minidl/tensor has no set_num_threads yet, so it uses all ${availableParallelism()} cores\n`,
    );
  }
}

/**
 * A trainer over the embedded MNIST split (or the IDX files in `data`).
 *
 * @example
 * ```ts
 * const { trainRun } = await createTrainer({ data: null, threads: 2 });
 * ```
 */
export const createTrainer: TrainerFactory = async ({ data: folder, threads }) => {
  setThreads(threads);
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
    if (hooks.resume) {
      restore(hooks.resume, model, opt, loaderGenerator);
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
    let step = partial.history.at(-1)?.step ?? 0;
    for (let epoch = partial.history.length + 1; epoch <= config.epochs && !partial.diverged; epoch++) {
      const start = performance.now();
      let epochLoss = 0;
      let epochCorrect = 0;
      let seen = 0;
      let window = { loss: 0, correct: 0, n: 0, steps: 0 };
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
        epochLoss += value * n;
        epochCorrect += correct;
        seen += n;
        window = {
          loss: window.loss + value,
          correct: window.correct + correct,
          n: window.n + n,
          steps: window.steps + 1,
        };
        if (step % config.log_every === 0) {
          partial.steps.push({ step, loss: window.loss / window.steps, acc: window.correct / window.n });
          window = { loss: 0, correct: 0, n: 0, steps: 0 };
        }
        hooks.step({
          step,
          totalSteps,
          epoch,
          loss: value,
          samplesPerSecond: seen / ((performance.now() - start) / 1000),
        });
      }
      const seconds = (performance.now() - start) / 1000;
      elapsed += seconds;
      partial.history.push({
        epoch,
        step,
        train_loss: epochLoss / Math.max(1, seen),
        train_acc: epochCorrect / Math.max(1, seen),
        ...(await evaluate(model, testLoader)),
        wall_time_s: seconds,
        samples_per_s: seen / seconds,
      });
      partial.diagnostics.push(measureLayers(model, layers, fixed[0], fixed[1], epoch));
      if (epoch < config.epochs && !partial.diverged) {
        hooks.checkpoint({ partial, elapsed_s: elapsed, ...snapshot(model, opt, loaderGenerator) });
      }
    }
    const samples = partial.history.reduce((a, h) => a + h.samples_per_s * h.wall_time_s, 0);
    return { ...partial, wall_time_s: elapsed, samples_per_s: samples / Math.max(elapsed, 1e-9) };
  };
  return { trainRun };
};
