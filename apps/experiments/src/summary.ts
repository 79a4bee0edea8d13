/**
 * summary.json: the whole experiment in one file. `runs` holds one entry per scheme and seed with
 * `scheme`, `seed`, `config` and `history` (per-epoch `epoch`, `train_loss`, `test_loss`,
 * `test_acc`, ...); `summary` the per-scheme aggregates; `reference` the PyTorch runs if given.
 */
import type { RunConfig, RunRecord, Versions } from './record.js';
import { type SchemeSummary, summarise } from './stats.js';

export interface Summary {
  generated: string;
  config: RunConfig;
  config_hash: string;
  schemes: { name: string; description: string }[];
  seeds: number[];
  versions: Versions;
  summary: SchemeSummary[];
  runs: RunRecord[];
  reference?: Reference;
}

/** A PyTorch reference file as tools/reference/run_reference.py writes it. */
export interface Reference {
  source: string;
  versions: Record<string, string>;
  config: RunConfig;
  runs: RunRecord[];
  summary?: SchemeSummary[];
}

/**
 * Assembles the summary of finished runs.
 *
 * @example
 * ```ts
 * writeFileAtomic('summary.json', JSON.stringify(buildSummary({ ... }), null, 1));
 * ```
 */
export function buildSummary(parts: Omit<Summary, 'generated' | 'summary'>): Summary {
  const reference = parts.reference
    ? { ...parts.reference, summary: summarise(parts.reference.runs) }
    : undefined;
  return {
    generated: new Date().toISOString(),
    ...parts,
    summary: summarise(parts.runs),
    ...(reference ? { reference } : {}),
  };
}
