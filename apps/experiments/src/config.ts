/**
 * The training configuration of an invocation, its hash (which names the default output folder
 * and keeps results of different configurations from ever mixing) and the library versions every
 * result records.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentOptions } from './options.js';
import type { RunConfig, Versions } from './record.js';

/**
 * The part of the options that changes what a run computes. Schemes and seeds are not in it:
 * they pick which runs exist, so adding a scheme to an experiment reuses the finished runs.
 * Threads are not in it either: they change speed, not numbers.
 *
 * @example
 * ```ts
 * runConfigOf(parseOptions(['--epochs', '3'])).epochs; // 3
 * ```
 */
export function runConfigOf(options: ExperimentOptions): RunConfig {
  return {
    model: options.model,
    ...(options.model === 'deep-mlp' ? { depth: options.depth, width: options.width } : {}),
    epochs: options.epochs,
    batch_size: options.batchSize,
    lr: options.lr,
    optimizer: options.optimizer,
    loss: 'cross_entropy',
    data: options.data ?? 'embedded',
    normalisation: 'none',
    log_every: options.logEvery,
  };
}

/** JSON with object keys sorted, so that equal configurations always hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * First 10 hex digits of the SHA-256 of the canonical configuration.
 *
 * @example
 * ```ts
 * configHash(runConfigOf(DEFAULTS)); // e.g. '3f9a0c11d2'
 * ```
 */
export function configHash(config: RunConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 10);
}

/** The configuration keys whose values differ, for "these results were made with ..." messages. */
export function configDifferences(a: RunConfig, b: RunConfig): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  return keys
    .filter((k) => canonicalJson(ra[k]) !== canonicalJson(rb[k]))
    .map((k) => `${k}: ${JSON.stringify(ra[k])} there, ${JSON.stringify(rb[k])} now`);
}

const PACKAGES = ['kernels', 'tensor', 'init', 'nn', 'train', 'experiments'];

/** Finds `node_modules/@minidl/<name>/package.json` walking up from this file (workspace or install). */
function packageVersion(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', '@minidl', name, 'package.json');
    if (existsSync(candidate))
      return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/**
 * The versions recorded with every result.
 *
 * @example
 * ```ts
 * libraryVersions(2).packages['@minidl/tensor']; // '0.1.0'
 * ```
 */
export function libraryVersions(threads: number): Versions {
  const packages: Record<string, string> = {};
  for (const name of PACKAGES) packages[`@minidl/${name}`] = packageVersion(name);
  return {
    packages,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: `${cpus()[0]?.model ?? 'unknown'} x${cpus().length}`,
    threads,
  };
}
