/**
 * Runs every scheme x seed of an experiment through a {@link TrainRun}, skipping runs the output
 * folder already holds and resuming an unfinished one from its checkpoint. The training itself is
 * behind the TrainRun interface so that orchestration, resumption and outputs are tested with a
 * fake trainer in milliseconds, and the real one (train-run.ts) is plugged in by the CLI.
 */
import { UsageError } from './options.js';
import type { ProgressInfo } from './progress.js';
import type { RunConfig, RunRecord, Versions } from './record.js';
import type { Scheme } from './schemes.js';
import type { Checkpoint, RunStore } from './store.js';

/** One run to do. */
export interface RunSpec {
  scheme: Scheme;
  seed: number;
  config: RunConfig;
  versions: Versions;
}

/** What a trainer reports after each optimizer step. */
export interface StepReport {
  /** Steps done in this run and the run's total. */
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  samplesPerSecond: number;
}

/** How the runner and a trainer talk. */
export interface RunHooks {
  /** The checkpoint to continue from, if the run was interrupted before. */
  resume?: Checkpoint;
  /** Called by the trainer at the end of every epoch but the last; must persist before returning. */
  checkpoint(ckpt: Checkpoint): void;
  step(report: StepReport): void;
}

/** Trains one scheme and seed and returns its record. */
export type TrainRun = (spec: RunSpec, hooks: RunHooks) => Promise<RunRecord>;

export interface ExperimentPlan {
  schemes: Scheme[];
  seeds: number[];
  config: RunConfig;
  versions: Versions;
}

/** Where the runner reports (a ProgressBar in the CLI). */
export interface RunnerOutput {
  update(info: ProgressInfo): void;
  log(message: string): void;
}

function checkSameScheme(scheme: Scheme, recorded: string | undefined, what: string): void {
  if (recorded !== scheme.sourceSha256) {
    throw new UsageError(
      `the ${what} of scheme '${scheme.name}' was made with a different version of its module; ` +
        'use another --out, or delete that run to redo it',
    );
  }
}

/**
 * Runs (or reuses) every run of the plan, seed by seed so that a first comparison of all schemes
 * is complete early, and returns the records in plan order (scheme-major).
 *
 * @example
 * ```ts
 * const runs = await runExperiment(plan, RunStore.open(dir, plan.config), trainRun, new ProgressBar());
 * ```
 */
export async function runExperiment(
  plan: ExperimentPlan,
  store: RunStore,
  trainRun: TrainRun,
  output: RunnerOutput,
): Promise<RunRecord[]> {
  const records = new Map<string, RunRecord>();
  const key = (scheme: string, seed: number) => `${scheme}\u0000${seed}`;
  const total = plan.schemes.length * plan.seeds.length;
  let index = 0;
  for (const seed of plan.seeds) {
    for (const scheme of plan.schemes) {
      const before = index++;
      const done = store.finished(scheme.name, seed);
      if (done !== undefined) {
        checkSameScheme(scheme, done.scheme_sha256, 'finished run');
        output.log(`${scheme.name} seed ${seed}: already finished, skipped`);
        records.set(key(scheme.name, seed), done);
        continue;
      }
      const resume = store.checkpoint(scheme.name, seed);
      if (resume !== undefined) {
        checkSameScheme(scheme, resume.partial.scheme_sha256, 'checkpoint');
        output.log(
          `${scheme.name} seed ${seed}: resuming from its checkpoint (${resume.partial.history.length} of ${plan.config.epochs} epochs done)`,
        );
      }
      const record = await trainRun(
        { scheme, seed, config: plan.config, versions: plan.versions },
        {
          ...(resume ? { resume } : {}),
          checkpoint: (ckpt) => store.saveCheckpoint(scheme.name, seed, ckpt),
          step: (r) =>
            output.update({
              run: `${scheme.name} seed ${seed}`,
              epoch: r.epoch,
              epochs: plan.config.epochs,
              done: before * r.totalSteps + r.step,
              total: total * r.totalSteps,
              loss: r.loss,
              samplesPerSecond: r.samplesPerSecond,
            }),
        },
      );
      store.saveRun(record);
      records.set(key(scheme.name, seed), record);
    }
  }
  return plan.schemes.flatMap((s) => plan.seeds.map((seed) => records.get(key(s.name, seed))!));
}
