/**
 * The shape of what one training run records. `summary.json`, the CSV files, the plots, the
 * report and the PyTorch reference script all read and write these records, so the field names
 * are snake_case like the JSON they end up in.
 */

/** Everything that changes the numbers one run produces (threads do not, so they are not here). */
export interface RunConfig {
  model: 'tutorial-cnn' | 'deep-mlp';
  /** deep-mlp only: number of Linear layers and hidden width. */
  depth?: number;
  width?: number;
  epochs: number;
  batch_size: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  loss: 'cross_entropy';
  /** 'embedded' for the mnist package's 10,000 digits split 80/20, else the IDX folder's path. */
  data: string;
  normalisation: 'none';
  log_every: number;
}

/** Per-layer diagnostics on a fixed batch (Glorot & Bengio 2010; He et al. 2015). */
export interface LayerStats {
  /** PyTorch's dotted module name, e.g. `layer.0` or `fc_layer.2`. */
  name: string;
  /** Mean and std of the layer's output (the pre-activation y_l of He et al.). */
  act_mean: number;
  act_std: number;
  /** L2 norm of dL/dW for the fixed batch's mean cross-entropy. */
  grad_norm: number;
  weight_std: number;
}

/** Diagnostics at one moment: epoch 0 is at initialisation, epoch k after the k-th epoch. */
export interface Diagnostics {
  epoch: number;
  layers: LayerStats[];
}

/** One epoch's summary. train_* are running averages over the epoch's batches. */
export interface EpochRecord {
  epoch: number;
  /** Optimizer steps taken so far in the run. */
  step: number;
  train_loss: number;
  train_acc: number;
  test_loss: number;
  test_acc: number;
  /** Seconds spent training this epoch (evaluation excluded) and its throughput. */
  wall_time_s: number;
  samples_per_s: number;
}

/** Training loss and accuracy averaged over the `log_every` steps ending at `step`. */
export interface StepRecord {
  step: number;
  loss: number;
  acc: number;
}

/** Versions of the libraries and the machine a result was computed with. */
export interface Versions {
  packages: Record<string, string>;
  node: string;
  platform: string;
  cpu: string;
  threads: number;
}

/** A finished run of one scheme and one seed. */
export interface RunRecord {
  scheme: string;
  seed: number;
  config: RunConfig;
  versions: Versions;
  /** SHA-256 of a user scheme module's source; absent for built-in schemes. */
  scheme_sha256?: string;
  /** Test loss and accuracy before any training. */
  init: { test_loss: number; test_acc: number };
  history: EpochRecord[];
  steps: StepRecord[];
  diagnostics: Diagnostics[];
  /** Total training seconds (evaluation excluded) and overall samples per second. */
  wall_time_s: number;
  samples_per_s: number;
  /** True when the loss became NaN or infinite; the run then stops early. */
  diverged: boolean;
}

/** What a run has done so far: a RunRecord without the totals. Saved with every checkpoint. */
export type PartialRun = Omit<RunRecord, 'wall_time_s' | 'samples_per_s'>;
