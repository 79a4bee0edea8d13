/**
 * Reading the PyTorch reference file (tools/reference/run_reference.py writes it), checked
 * up front so that a wrong file fails before training, not after.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from './options.js';
import type { Reference } from './summary.js';

/**
 * Loads and checks a reference file: it must hold `runs` with `scheme`, `seed`, `init` and
 * `history` records like summary.json's.
 *
 * @example
 * ```ts
 * const reference = loadReference('results/reference.json');
 * ```
 */
export function loadReference(path: string): Reference {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--reference ${path}: cannot read it as JSON (${(error as Error).message})`);
  }
  const ref = parsed as Partial<Reference>;
  const fail = (what: string) => {
    throw new UsageError(
      `--reference ${path}: ${what}; expected the JSON written by tools/reference/run_reference.py`,
    );
  };
  if (typeof ref !== 'object' || ref === null || !Array.isArray(ref.runs)) fail("no 'runs' list");
  if (typeof ref.config !== 'object' || ref.config === null) fail("no 'config'");
  ref.runs!.forEach((run, i) => {
    if (typeof run.scheme !== 'string' || typeof run.seed !== 'number')
      fail(`runs[${i}] lacks 'scheme' or 'seed'`);
    if (!Array.isArray(run.history) || typeof run.init?.test_acc !== 'number')
      fail(`runs[${i}] lacks 'history' or 'init'`);
    run.steps ??= [];
    run.diagnostics ??= [];
  });
  return { source: ref.source ?? path, versions: ref.versions ?? {}, config: ref.config!, runs: ref.runs! };
}
