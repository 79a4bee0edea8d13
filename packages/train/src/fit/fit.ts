/**
 * `fit`: the training loop a PyTorch user otherwise writes by hand -- epochs of
 * `zero_grad / forward / loss / backward / step`, an evaluation pass under no_grad, running loss
 * and accuracy, callbacks, progress, a guard against a diverging loss, and atomic checkpoints
 * that a later call resumes from exactly (same batches, same random draws, same final weights).
 */
import { existsSync } from 'node:fs';
import { default_generator, no_grad, type Tensor } from '@minidl/tensor';
import type { BatchSource } from '../data/dataloader.js';
import type { LRScheduler } from '../optim/lr_scheduler.js';
import type { Optimizer } from '../optim/optimizer.js';
import { load_checkpoint, type StatefulModel, save_checkpoint } from './checkpoint.js';
import { createReporter, formatDuration, type ProgressMode } from './progress.js';

/** What `fit` needs of a model: an `nn.Module` satisfies it. */
export interface FitModel extends StatefulModel {
  /**
   * The model's output for a batch of inputs, as `nn.Module.forward`: `fit` and {@link evaluate}
   * call it once per batch with the loader's `x` and pass the result to the loss with `y`.
   */
  forward(x: Tensor): Tensor;
  /**
   * Switches to training mode (dropout active, batch norm updating its running statistics), as
   * `nn.Module.train()`; `fit` calls it at the start of every epoch. The return value is ignored.
   */
  train(mode?: boolean): unknown;
  /**
   * Switches to evaluation mode, as `nn.Module.eval()`; {@link evaluate} calls it before the
   * validation pass (so `fit` does after every epoch's training when given a `val_loader`).
   */
  eval(): unknown;
}

/** A loss: a function `(output, target) => scalar` or a module such as `new nn.CrossEntropyLoss()`. */
export type LossFn =
  | ((output: Tensor, target: Tensor) => Tensor)
  | {
      /**
       * The loss of a batch as a scalar tensor, as a PyTorch loss module's `forward(input, target)`
       * (`nn.CrossEntropyLoss`, `nn.MSELoss`); `fit` calls it after the model's forward and
       * backpropagates from its result.
       */
      forward(output: Tensor, target: Tensor): Tensor;
    };

/** Passed to `on_step_end` after every optimizer step. */
export interface StepInfo {
  epoch: number;
  /** 0-based step within the epoch, and steps done in total */
  step: number;
  global_step: number;
  loss: number;
  /** accuracy of this batch, null when the output is not [B, classes] logits for integer targets */
  accuracy: number | null;
  batch_size: number;
  /** the learning rate (of the first parameter group) this step's update used */
  lr: number;
  /** ask `fit` to stop after this step (a checkpoint is written first if configured) */
  stop(): void;
}

/** One epoch's results; `fit` returns them all as its history. */
export interface EpochRecord {
  epoch: number;
  train_loss: number;
  train_acc: number | null;
  val_loss: number | null;
  val_acc: number | null;
  /** the lr after the epoch (after the scheduler's step) */
  lr: number;
  /** training time of the epoch (evaluation excluded) and training samples per second */
  seconds: number;
  samples_per_s: number;
}

/**
 * Hooks into the loop; every member is optional. PyTorch has no callbacks (its loops are written by
 * hand); the names follow Keras and PyTorch Lightning. `fit` awaits each hook before going on, in
 * the order the callbacks were given, so a hook may do asynchronous work (write a file, post a metric).
 *
 * @example
 * ```ts
 * const losses: number[] = [];
 * await fit(model, { ...options, callbacks: [{ on_step_end: (s) => { losses.push(s.loss); } }] });
 * ```
 */
export interface Callback {
  /**
   * Called once, before the first epoch runs (and after a checkpoint is resumed): `epoch` is the
   * epoch training starts at (0 unless resuming), `global_step` the optimizer steps already done.
   */
  on_train_begin?(info: { epoch: number; global_step: number }): void | Promise<void>;
  /** Called at the start of every epoch (0-based `epoch`), before the model is put in training mode. */
  on_epoch_begin?(epoch: number): void | Promise<void>;
  /**
   * Called after every optimizer step (and the scheduler's step with `scheduler_interval: 'step'`)
   * with the batch's loss, accuracy and learning rate; `info.stop()` ends training after this step.
   */
  on_step_end?(info: StepInfo): void | Promise<void>;
  /**
   * Called after every completed epoch, once the scheduler has stepped and the validation pass has
   * run, with the epoch's record (the one `fit` adds to its history); before the epoch's checkpoint.
   */
  on_epoch_end?(record: EpochRecord): void | Promise<void>;
  /**
   * Called once when training ends normally (all epochs done or `stop()` requested) with the full
   * history, the array `fit` returns; not called when training throws (e.g. {@link NonFiniteLossError}).
   */
  on_train_end?(history: EpochRecord[]): void | Promise<void>;
}

/** Options of {@link fit}. */
export interface FitOptions {
  optimizer: Optimizer<object>;
  loss: LossFn;
  train_loader: BatchSource<[Tensor, Tensor]>;
  val_loader?: BatchSource<[Tensor, Tensor]>;
  epochs: number;
  scheduler?: LRScheduler;
  /** step the scheduler after every epoch (default, as most PyTorch schedules) or every batch (OneCycleLR) */
  scheduler_interval?: 'epoch' | 'step';
  callbacks?: Callback[];
  /** 'auto' (default): a bar on a terminal, one-line logs otherwise; or force 'bar' | 'log' | 'none' */
  progress?: ProgressMode;
  /** where log lines go (default: stderr) */
  log?: (line: string) => void;
  /** in log mode, a line every this many steps (default: about ten per epoch) */
  log_every_n_steps?: number;
  /**
   * Checkpoint file: written atomically after every epoch (and every `every_n_steps` steps if
   * given); when `resume` is true (default) and the file exists, training continues from it.
   */
  checkpoint?: { path: string; every_n_steps?: number; resume?: boolean };
}

/** The loss of a batch as a tensor. */
function callLoss(loss: LossFn, output: Tensor, target: Tensor): Tensor {
  return typeof loss === 'function' ? loss(output, target) : loss.forward(output, target);
}

/** Correct predictions in a batch of [B, C] logits against integer targets, or null if not applicable. */
function countCorrect(output: Tensor, target: Tensor): number | null {
  if (output.ndim !== 2 || target.ndim !== 1 || target.dtype.startsWith('float') || target.dtype === 'bool')
    return null;
  return output.argmax(1).eq(target).sum().item();
}

/** Sums for an epoch's means. */
class Running {
  loss = 0;
  correct = 0;
  counted = 0;
  seen = 0;

  add(loss: number, correct: number | null, n: number): void {
    this.loss += loss * n;
    this.seen += n;
    if (correct !== null) {
      this.correct += correct;
      this.counted += n;
    }
  }

  get meanLoss(): number {
    return this.loss / Math.max(1, this.seen);
  }

  get accuracy(): number | null {
    return this.counted > 0 ? this.correct / this.counted : null;
  }
}

/**
 * Thrown by {@link fit} when the loss becomes NaN or infinite; the update of that step is not made.
 *
 * @example
 * ```ts
 * try { await fit(model, opts); } catch (e) {
 *   if (e instanceof NonFiniteLossError) console.log(e.epoch, e.step, e.loss); // 0-based epoch and step
 * }
 * ```
 */
export class NonFiniteLossError extends Error {
  constructor(
    readonly loss: number,
    readonly epoch: number,
    readonly step: number,
    lr: number,
  ) {
    super(
      `loss is ${loss} at epoch ${epoch + 1}, step ${step + 1}; training stopped before the update. ` +
        `The model is diverging: try a lower learning rate (now ${lr}), check the inputs for NaN/Inf, or normalise them.`,
    );
    this.name = 'NonFiniteLossError';
  }
}

/** The mean loss and accuracy of a model over a loader, from {@link evaluate}. */
export interface Evaluation {
  /** mean loss per sample (batch losses weighted by batch size, as for a mean-reduced loss) */
  loss: number;
  /** fraction of correct argmax predictions, null when the output is not [B, classes] logits */
  accuracy: number | null;
  samples: number;
}

/**
 * Evaluates a model on every batch of a loader with `model.eval()` under `no_grad`, as the
 * validation pass of {@link fit}. The model is left in eval mode (call `model.train()` to go on
 * training).
 *
 * @example
 * ```ts
 * const { loss, accuracy } = await evaluate(model, test_loader, F.cross_entropy);
 * ```
 */
export async function evaluate(
  model: FitModel,
  loader: BatchSource<[Tensor, Tensor]>,
  loss: LossFn,
): Promise<Evaluation> {
  model.eval();
  const r = new Running();
  for await (const [x, y] of loader) {
    const [l, correct] = no_grad(() => {
      const out = model.forward(x);
      return [callLoss(loss, out, y).item(), countCorrect(out, y)] as const;
    });
    r.add(l, correct, x.shape[0]!);
  }
  return { loss: r.meanLoss, accuracy: r.accuracy, samples: r.seen };
}

/**
 * Trains `model` for `epochs` epochs and returns the per-epoch history. Each step runs, as the
 * hand-written PyTorch loop would: `optimizer.zero_grad()`, `loss(model.forward(x), y)`,
 * `backward()`, `optimizer.step()` (and `scheduler.step()` per step or per epoch). After each epoch,
 * `val_loader` (if any) is evaluated with `model.eval()` under `no_grad`.
 *
 * A NaN or infinite loss stops training before that update with a {@link NonFiniteLossError}
 * naming the epoch and step. With `checkpoint`, a checkpoint (model, optimizer, scheduler,
 * DataLoader position, global generator state, epoch, step, history) is written atomically, and a
 * later `fit` with the same options continues from it as if never interrupted.
 *
 * @example
 * ```ts
 * const history = await fit(model, {
 *   optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }),
 *   loss: F.cross_entropy,
 *   train_loader, val_loader, epochs: 3,
 *   checkpoint: { path: 'run/ckpt.safetensors', every_n_steps: 100 },
 * });
 * history.at(-1)!.val_acc; // 0.98
 * ```
 */
export async function fit(model: FitModel, options: FitOptions): Promise<EpochRecord[]> {
  const {
    optimizer,
    loss,
    train_loader,
    val_loader,
    epochs,
    scheduler,
    callbacks = [],
    checkpoint,
  } = options;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new Error(`fit: epochs must be a non-negative integer, got ${epochs}`);
  const interval = options.scheduler_interval ?? 'epoch';
  if (interval !== 'epoch' && interval !== 'step') {
    throw new Error(`fit: scheduler_interval must be 'epoch' or 'step', got ${String(interval)}`);
  }
  const reporter = createReporter(options.progress ?? 'auto', {
    log: options.log,
    log_every_n_steps: options.log_every_n_steps,
  });
  const targets = { model, optimizer, scheduler, loader: train_loader };

  let history: EpochRecord[] = [];
  let startEpoch = 0;
  let globalStep = 0;
  let rngState: Uint8Array | undefined;
  let running = new Running();
  let resumedEpochSeconds = 0;
  if (checkpoint && checkpoint.resume !== false && existsSync(checkpoint.path)) {
    const saved = load_checkpoint(checkpoint.path, targets);
    startEpoch = saved.epoch;
    globalStep = saved.step;
    rngState = saved.rng_state;
    const extra = saved.extra as { history?: EpochRecord[]; running?: Running & { seconds?: number } };
    history = extra.history ?? [];
    if (extra.running) {
      running = Object.assign(new Running(), extra.running);
      resumedEpochSeconds = extra.running.seconds ?? 0;
    }
  }
  const lr = () => (optimizer.param_groups[0]?.lr as number | undefined) ?? Number.NaN;
  let stopRequested = false;
  let epochStart = performance.now();
  const save = (epoch: number, inEpoch: Running | null) => {
    if (!checkpoint) return;
    const runningState = inEpoch && {
      ...inEpoch,
      seconds: resumedEpochSeconds + (performance.now() - epochStart) / 1000,
    };
    save_checkpoint(checkpoint.path, targets, {
      epoch,
      step: globalStep,
      extra: { history, running: runningState },
    });
  };

  for (const cb of callbacks) await cb.on_train_begin?.({ epoch: startEpoch, global_step: globalStep });
  try {
    for (let epoch = startEpoch; epoch < epochs && !stopRequested; epoch++) {
      for (const cb of callbacks) await cb.on_epoch_begin?.(epoch);
      model.train();
      const steps = train_loader.length;
      const iterator = train_loader[Symbol.asyncIterator]();
      // The loader has redrawn this epoch's order; now put the global generator where it was.
      if (rngState) default_generator.set_state(rngState);
      rngState = undefined;
      const firstStep = train_loader.state_dict().batches_done;
      epochStart = performance.now();
      const samplesBefore = running.seen;
      reporter.epochStart(epoch, epochs, steps, firstStep);
      let step = firstStep;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const [x, y] = next.value;
        optimizer.zero_grad();
        const out = model.forward(x);
        const lossTensor = callLoss(loss, out, y);
        const value = lossTensor.item();
        if (!Number.isFinite(value)) throw new NonFiniteLossError(value, epoch, step, lr());
        lossTensor.backward();
        const stepLr = lr();
        optimizer.step();
        if (scheduler && interval === 'step') scheduler.step();
        const correct = no_grad(() => countCorrect(out, y));
        const n = x.shape[0]!;
        running.add(value, correct, n);
        globalStep += 1;
        const elapsed = (performance.now() - epochStart) / 1000;
        const rate = (running.seen - samplesBefore) / Math.max(elapsed, 1e-9);
        const info: StepInfo = {
          epoch,
          step,
          global_step: globalStep,
          loss: value,
          accuracy: correct === null ? null : correct / n,
          batch_size: n,
          lr: stepLr,
          stop: () => {
            stopRequested = true;
          },
        };
        for (const cb of callbacks) await cb.on_step_end?.(info);
        step += 1;
        reporter.step({
          epoch,
          epochs,
          step,
          steps,
          loss: running.meanLoss,
          accuracy: running.accuracy,
          samples_per_s: rate,
          eta_s: ((steps - step) * elapsed) / Math.max(1, step - firstStep),
        });
        if (checkpoint?.every_n_steps && globalStep % checkpoint.every_n_steps === 0 && step < steps)
          save(epoch, running);
        if (stopRequested) {
          if (step < steps) save(epoch, running);
          break;
        }
      }
      if (stopRequested && step < steps) break;
      const seconds = resumedEpochSeconds + (performance.now() - epochStart) / 1000;
      if (scheduler && interval === 'epoch') scheduler.step();
      const val = val_loader ? await evaluate(model, val_loader, loss) : null;
      const record: EpochRecord = {
        epoch,
        train_loss: running.meanLoss,
        train_acc: running.accuracy,
        val_loss: val ? val.loss : null,
        val_acc: val ? val.accuracy : null,
        lr: lr(),
        seconds,
        samples_per_s: running.seen / Math.max(seconds, 1e-9),
      };
      history.push(record);
      running = new Running();
      resumedEpochSeconds = 0;
      reporter.epochEnd(describeEpoch(record, epochs));
      for (const cb of callbacks) await cb.on_epoch_end?.(record);
      save(epoch + 1, null);
    }
  } finally {
    reporter.stop();
  }
  for (const cb of callbacks) await cb.on_train_end?.(history);
  return history;
}

/** The one-line summary of an epoch. */
function describeEpoch(r: EpochRecord, epochs: number): string {
  const pct = (a: number | null) => (a === null ? '' : ` acc ${(100 * a).toFixed(2)}%`);
  const val = r.val_loss === null ? '' : ` | val loss ${r.val_loss.toFixed(4)}${pct(r.val_acc)}`;
  return (
    `epoch ${r.epoch + 1}/${epochs} | train loss ${r.train_loss.toFixed(4)}${pct(r.train_acc)}${val} | ` +
    `${formatDuration(r.seconds)} (${Math.round(r.samples_per_s)} samples/s) | lr ${Number(r.lr.toPrecision(3))}`
  );
}
