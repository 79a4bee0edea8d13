/**
 * The experiments command: parse and check options, open (or resume) the output folder, run every
 * scheme x seed, write summary.json, CSV, plots and report.html, print the summary table.
 * Exit codes: 0 done, 2 bad usage (message lists what is valid), 1 anything else.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { configDifferences, configHash, libraryVersions, runConfigOf } from './config.js';
import { helpText, parseOptions, UsageError } from './options.js';
import { writeOutputs } from './output.js';
import { ProgressBar } from './progress.js';
import { loadReference } from './reference.js';
import { type RunnerOutput, runExperiment, type TrainRun } from './runner.js';
import { resolveSchemes, schemeDescriptions } from './schemes.js';
import { RunStore } from './store.js';
import { buildSummary } from './summary.js';
import { summaryRows, textTable } from './table.js';

/** The training side, loaded only when there is training to do (it starts the compute backend). */
export interface Trainer {
  trainRun: TrainRun;
}

/** How to build a trainer for the data and thread options. */
export type TrainerFactory = (options: {
  data: string | null;
  threads: number;
  /** Seconds of training between mid-epoch checkpoints (the trainer's default when omitted). */
  checkpointSeconds?: number;
}) => Promise<Trainer>;

export interface MainContext {
  createTrainer: TrainerFactory;
  /** Relative paths on the command line resolve against this folder. */
  cwd: string;
  stdout: (text: string) => void;
  output: RunnerOutput & { done(): void };
  png: boolean;
}

/**
 * The folder relative command-line paths are meant against. npm runs scripts from the package
 * folder but records where the user typed the command in INIT_CWD. Under nx (the root script runs
 * the app's `start` target through it) the inner npm overwrites INIT_CWD with the app's folder
 * and the original is lost, so paths are taken relative to the workspace root, where
 * `npm run experiments` is meant to be typed.
 */
export function invocationDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NX_TASK_TARGET_PROJECT !== undefined && env.NX_WORKSPACE_ROOT !== undefined)
    return env.NX_WORKSPACE_ROOT;
  return env.INIT_CWD ?? process.cwd();
}

const realTrainer: TrainerFactory = async (options) =>
  (await import('./train-run.js')).createTrainer(options);

function defaultContext(): MainContext {
  return {
    createTrainer: realTrainer,
    cwd: invocationDir(),
    stdout: (text) => process.stdout.write(text),
    output: new ProgressBar(),
    png: true,
  };
}

/**
 * Runs the command and returns its exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(['--schemes', 'small-normal,kaiming', '--seeds', '1', '--epochs', '1']);
 * ```
 */
export async function main(argv: string[], context: Partial<MainContext> = {}): Promise<number> {
  const ctx = { ...defaultContext(), ...context };
  const at = (path: string) => (isAbsolute(path) ? path : resolve(ctx.cwd, path));
  try {
    const options = parseOptions(argv);
    if (options.help) {
      ctx.stdout(`${helpText(schemeDescriptions())}\n`);
      return 0;
    }
    const resolved = { ...options, data: options.data && at(options.data) };
    const config = runConfigOf(resolved);
    const schemes = await resolveSchemes(options.schemes.map((s) => (s.includes('/') ? at(s) : s)));
    const reference = options.reference ? loadReference(at(options.reference)) : undefined;
    const out = at(options.out ?? join('results', `${config.model}-${configHash(config)}`));
    const store = RunStore.open(out, config);
    try {
      const versions = libraryVersions(options.threads);
      const trainer = await ctx.createTrainer({ data: resolved.data, threads: options.threads });
      ctx.output.log(`writing to ${out}`);
      const differences = reference ? configDifferences(reference.config, config) : [];
      if (differences.length > 0) {
        ctx.output.log(
          `note: the reference was run with a different configuration (${differences.join('; ')})`,
        );
      }
      const runs = await runExperiment(
        { schemes, seeds: options.seeds, config, versions },
        store,
        trainer.trainRun,
        ctx.output,
      );
      ctx.output.done();
      const summary = buildSummary({
        config,
        config_hash: configHash(config),
        schemes: schemes.map((s) => ({ name: s.name, description: s.description })),
        seeds: options.seeds,
        versions,
        runs,
        ...(reference ? { reference } : {}),
      });
      writeOutputs(out, summary, { png: ctx.png });
      const { header, rows } = summaryRows(summary.summary);
      ctx.stdout(`\n${textTable(header, rows)}\n`);
      if (summary.reference?.summary) {
        const ref = summaryRows(summary.reference.summary);
        ctx.stdout(
          `\nPyTorch reference (${summary.reference.source}):\n${textTable(ref.header, ref.rows)}\n`,
        );
      }
      ctx.stdout(`\nreport: ${join(out, 'report.html')}\n`);
      return 0;
    } finally {
      store.close();
    }
  } catch (error) {
    ctx.output.done();
    if (error instanceof UsageError) {
      process.stderr.write(`minidl-experiments: ${error.message}\nRun with --help for the options.\n`);
      return 2;
    }
    process.stderr.write(`minidl-experiments: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
