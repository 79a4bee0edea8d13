/**
 * Training checkpoints as one safetensors file, written atomically.
 *
 * Tensors: the model's state_dict under `model.<name>` (so PyTorch reads the weights with
 * `safetensors.torch.load_file` and a prefix strip) and the optimizer's buffers under
 * `optimizer.state.<param index>.<buffer>`. The header's `__metadata__` (strings) holds the rest as
 * JSON: optimizer param_groups and scalar state, scheduler state, DataLoader position, generator
 * states (base64 of PyTorch's `get_state()` bytes), epoch and step, and any extra fields.
 */
import { readFileSync } from 'node:fs';
import { default_generator, type Tensor } from '@minidl/tensor';
import type { BatchSource, DataLoaderState } from '../data/dataloader.js';
import type { LRScheduler, SchedulerStateDict } from '../optim/lr_scheduler.js';
import type { Optimizer, OptimizerStateDict, OptimizerStateDictInput } from '../optim/optimizer.js';
import { load_with_metadata, save_file } from '../safetensors/safetensors.js';

/** What a checkpoint needs of a model: PyTorch's `state_dict`/`load_state_dict`. */
export interface StatefulModel {
  /**
   * The model's parameters and buffers by their dotted names (`fc1.weight`), as
   * `nn.Module.state_dict()`. {@link save_checkpoint} calls it and stores each tensor under
   * `model.<name>`.
   */
  state_dict(): Record<string, Tensor> | Map<string, Tensor>;
  /**
   * Copies saved tensors into the model's parameters and buffers, as `nn.Module.load_state_dict`;
   * it should throw when names or shapes do not match. {@link load_checkpoint} calls it with the
   * tensors stored under `model.` (prefix stripped); the return value is ignored.
   */
  load_state_dict(state: Record<string, Tensor>): unknown;
}

/** The objects a checkpoint saves and restores. */
export interface CheckpointTargets {
  model: StatefulModel;
  optimizer?: Optimizer<object>;
  scheduler?: LRScheduler;
  loader?: BatchSource<unknown>;
}

/** Where training stood, plus free-form fields (JSON-serialisable) the caller wants kept. */
export interface CheckpointInfo {
  /** epochs completed (0-based index of the epoch in progress) */
  epoch: number;
  /** optimizer steps done in total */
  step: number;
  extra?: Record<string, unknown>;
}

const MAGIC = 'minidl-checkpoint-1';
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const unbase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

/**
 * Writes a checkpoint of the targets and `info` to `path` atomically (temporary file, fsync, rename).
 * The global generator's state is saved too (dropout and other random ops draw from it).
 *
 * @example
 * ```ts
 * save_checkpoint('run/ckpt.safetensors', { model, optimizer, scheduler, loader }, { epoch: 2, step: 250 });
 * ```
 */
export function save_checkpoint(path: string, targets: CheckpointTargets, info: CheckpointInfo): void {
  const tensors: Record<string, Tensor> = {};
  const modelState = targets.model.state_dict();
  for (const [name, t] of modelState instanceof Map ? modelState : Object.entries(modelState)) {
    tensors[`model.${name}`] = t;
  }
  const metadata: Record<string, string> = {
    format: 'pt',
    minidl: MAGIC,
    epoch: String(info.epoch),
    step: String(info.step),
    rng_state: base64(default_generator.get_state()),
    extra: JSON.stringify(info.extra ?? {}),
  };
  if (targets.optimizer) {
    const sd: OptimizerStateDict = targets.optimizer.state_dict();
    const scalars: Record<string, Record<string, number>> = {};
    for (const [index, entry] of Object.entries(sd.state)) {
      for (const [key, value] of Object.entries(entry)) {
        if (typeof value === 'number') scalars[index] = { ...scalars[index], [key]: value };
        else tensors[`optimizer.state.${index}.${key}`] = value;
      }
    }
    metadata.optimizer = JSON.stringify({ param_groups: sd.param_groups, scalars });
  }
  if (targets.scheduler) metadata.scheduler = JSON.stringify(targets.scheduler.state_dict());
  if (targets.loader) {
    const { generator_state, batches_done } = targets.loader.state_dict();
    metadata.loader = JSON.stringify({ generator_state: base64(generator_state), batches_done });
  }
  save_file(tensors, path, metadata);
}

/** A checkpoint read back: `info` plus the restored pieces, for {@link load_checkpoint}'s caller. */
export interface LoadedCheckpoint extends CheckpointInfo {
  /** the DataLoader position saved (already applied if a loader was given) */
  loader: DataLoaderState | undefined;
  /** the global generator's state at save time; apply it (`restore_rng`) after the loader's first draw */
  rng_state: Uint8Array;
}

/**
 * Reads a checkpoint written by {@link save_checkpoint} and loads it into the targets given: model
 * weights, optimizer and scheduler state, DataLoader position. The global generator's state is
 * returned, not applied: a resuming loop applies it after creating the loader's iterator (which
 * redraws the interrupted epoch's order), so random ops continue exactly where they were.
 *
 * @throws naming the file when it is not a minidl checkpoint or does not fit the targets.
 * @example
 * ```ts
 * const ckpt = load_checkpoint('run/ckpt.safetensors', { model, optimizer, scheduler, loader });
 * ckpt.epoch; // where to continue
 * ```
 */
export function load_checkpoint(path: string, targets: Partial<CheckpointTargets>): LoadedCheckpoint {
  const { tensors, metadata } = load_with_metadata(readFileSync(path));
  const meta = metadata ?? {};
  if (meta.minidl !== MAGIC)
    throw new Error(`${path}: not a minidl training checkpoint (no '${MAGIC}' marker)`);
  const need = (key: string): string => {
    const v = meta[key];
    if (v === undefined) throw new Error(`${path}: the checkpoint has no ${key} state to restore`);
    return v;
  };
  if (targets.model) {
    const state: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(tensors)) if (name.startsWith('model.')) state[name.slice(6)] = t;
    targets.model.load_state_dict(state);
  }
  if (targets.optimizer) {
    const { param_groups, scalars } = JSON.parse(need('optimizer')) as {
      param_groups: OptimizerStateDict['param_groups'];
      scalars: Record<string, Record<string, number>>;
    };
    const state: OptimizerStateDictInput['state'] = {};
    for (const [index, entry] of Object.entries(scalars)) state[index] = { ...entry };
    for (const [name, t] of Object.entries(tensors)) {
      const m = /^optimizer\.state\.(\d+)\.(.+)$/.exec(name);
      if (m) state[m[1]!] = { ...state[m[1]!], [m[2]!]: t };
    }
    targets.optimizer.load_state_dict({ state, param_groups });
  }
  if (targets.scheduler)
    targets.scheduler.load_state_dict(JSON.parse(need('scheduler')) as SchedulerStateDict);
  let loader: DataLoaderState | undefined;
  if (meta.loader !== undefined) {
    const saved = JSON.parse(meta.loader) as { generator_state: string; batches_done: number };
    loader = { generator_state: unbase64(saved.generator_state), batches_done: saved.batches_done };
    targets.loader?.load_state_dict(loader);
  }
  return {
    epoch: Number(need('epoch')),
    step: Number(need('step')),
    extra: JSON.parse(meta.extra ?? '{}') as Record<string, unknown>,
    loader,
    rng_state: unbase64(need('rng_state')),
  };
}
