/**
 * The output folder as a store of runs. Every file is written atomically (a temporary file in the
 * same folder, fsync, then rename, which POSIX makes atomic), so a kill at any moment leaves either
 * the old file or the new one, never half of one. Layout:
 *
 *   experiment.json         the training configuration and its hash; other configurations are refused
 *   runs/<scheme>-seed<k>.json        finished runs
 *   checkpoints/<scheme>-seed<k>.ckpt the unfinished run's last checkpoint
 *   .lock                   the pid of the process writing here
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { configDifferences, configHash } from './config.js';
import { UsageError } from './options.js';
import type { PartialRun, RunConfig, RunRecord } from './record.js';

/**
 * Writes `data` to `path` atomically: temp file beside it, fsync, rename.
 *
 * @example
 * ```ts
 * writeFileAtomic('out/summary.json', JSON.stringify(summary));
 * ```
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}

/** A named float32 tensor inside a checkpoint (a model or optimizer state entry). */
export interface StoredTensor {
  shape: number[];
  data: Float32Array;
}

/** A resumable snapshot of an unfinished run, taken at the end of an epoch. */
export interface Checkpoint {
  /** Everything recorded so far; `history.length` is the number of finished epochs. */
  partial: PartialRun;
  /** Training seconds spent so far. */
  elapsed_s: number;
  /** Model parameters and optimizer state, by name. */
  tensors: Record<string, StoredTensor>;
  /** Extra JSON-able state (optimizer step counts, generator state, ...). */
  state: Record<string, unknown>;
}

const MAGIC = 'MINIDLCK';

/**
 * Encodes a checkpoint as one file: 8-byte magic, uint32 header length, a JSON header, padding to
 * 4 bytes, then each tensor's float32 data in header order (little-endian, as typed arrays are).
 *
 * @example
 * ```ts
 * decodeCheckpoint(encodeCheckpoint(ckpt)).partial.seed === ckpt.partial.seed; // true
 * ```
 */
export function encodeCheckpoint(ckpt: Checkpoint): Uint8Array {
  const names = Object.keys(ckpt.tensors);
  const header = JSON.stringify({
    partial: ckpt.partial,
    elapsed_s: ckpt.elapsed_s,
    state: ckpt.state,
    tensors: names.map((name) => ({
      name,
      shape: ckpt.tensors[name]!.shape,
      length: ckpt.tensors[name]!.data.length,
    })),
  });
  const headerBytes = Buffer.from(header);
  const start = Math.ceil((12 + headerBytes.length) / 4) * 4;
  const total = start + names.reduce((n, name) => n + 4 * ckpt.tensors[name]!.data.length, 0);
  const out = new Uint8Array(total);
  out.set(Buffer.from(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  let offset = start;
  for (const name of names) {
    const data = ckpt.tensors[name]!.data;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    offset += data.byteLength;
  }
  return out;
}

/** Inverse of {@link encodeCheckpoint}; throws naming the problem when the file is not a checkpoint. */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 8)).toString() !== MAGIC) {
    throw new Error('not a minidl experiments checkpoint (bad magic)');
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + headerLength)).toString()) as Omit<
    Checkpoint,
    'tensors'
  > & {
    tensors: { name: string; shape: number[]; length: number }[];
  };
  let offset = Math.ceil((12 + headerLength) / 4) * 4;
  const tensors: Record<string, StoredTensor> = {};
  for (const t of header.tensors) {
    if (offset + 4 * t.length > bytes.length)
      throw new Error(`checkpoint truncated inside tensor '${t.name}'`);
    const data = new Float32Array(t.length);
    new Uint8Array(data.buffer).set(bytes.subarray(offset, offset + 4 * t.length));
    offset += 4 * t.length;
    tensors[t.name] = { shape: t.shape, data };
  }
  return { partial: header.partial, elapsed_s: header.elapsed_s, state: header.state, tensors };
}

/** File-name key of one run: the scheme with anything outside [A-Za-z0-9._-] replaced, and the seed. */
export function runKey(scheme: string, seed: number): string {
  return `${scheme.replace(/[^A-Za-z0-9._-]/g, '_')}-seed${seed}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The output folder of one experiment configuration.
 *
 * @example
 * ```ts
 * const store = RunStore.open('results/x', config);
 * if (!store.finished('kaiming', 0)) { ... store.saveRun(record); }
 * store.close();
 * ```
 */
export class RunStore {
  private constructor(
    readonly dir: string,
    readonly config: RunConfig,
  ) {}

  /**
   * Opens (creating if needed) `dir` for `config`. Refuses a folder holding results of another
   * configuration, listing the differences, and a folder another live process is writing to.
   */
  static open(dir: string, config: RunConfig): RunStore {
    mkdirSync(dir, { recursive: true });
    const experimentPath = join(dir, 'experiment.json');
    const hash = configHash(config);
    if (existsSync(experimentPath)) {
      const existing = JSON.parse(readFileSync(experimentPath, 'utf8')) as {
        hash: string;
        config: RunConfig;
      };
      if (existing.hash !== hash) {
        throw new UsageError(
          `${dir} holds results of a different configuration (${configDifferences(existing.config, config).join('; ')}).\n` +
            'Choose another --out (or omit it: the default folder is named by the configuration hash), or delete that folder.',
        );
      }
    }
    const lockPath = join(dir, '.lock');
    if (existsSync(lockPath)) {
      const pid = Number(readFileSync(lockPath, 'utf8'));
      if (pid !== process.pid && isAlive(pid)) {
        throw new UsageError(`${dir} is being written by process ${pid}; wait for it or stop it first`);
      }
    }
    writeFileAtomic(lockPath, String(process.pid));
    if (!existsSync(experimentPath)) {
      writeFileAtomic(experimentPath, `${JSON.stringify({ hash, config }, null, 2)}\n`);
    }
    return new RunStore(dir, config);
  }

  private runPath(scheme: string, seed: number): string {
    return join(this.dir, 'runs', `${runKey(scheme, seed)}.json`);
  }

  private checkpointPath(scheme: string, seed: number): string {
    return join(this.dir, 'checkpoints', `${runKey(scheme, seed)}.ckpt`);
  }

  /** The finished run of `scheme` and `seed`, if there is one. */
  finished(scheme: string, seed: number): RunRecord | undefined {
    const path = this.runPath(scheme, seed);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunRecord) : undefined;
  }

  /** Records a finished run and drops its checkpoint. */
  saveRun(record: RunRecord): void {
    writeFileAtomic(this.runPath(record.scheme, record.seed), `${JSON.stringify(record, null, 1)}\n`);
    rmSync(this.checkpointPath(record.scheme, record.seed), { force: true });
  }

  /** The last checkpoint of an unfinished run, if any. */
  checkpoint(scheme: string, seed: number): Checkpoint | undefined {
    const path = this.checkpointPath(scheme, seed);
    return existsSync(path) ? decodeCheckpoint(readFileSync(path)) : undefined;
  }

  saveCheckpoint(scheme: string, seed: number, ckpt: Checkpoint): void {
    writeFileAtomic(this.checkpointPath(scheme, seed), encodeCheckpoint(ckpt));
  }

  /** Releases the lock (a killed process leaves a stale lock, which the next open ignores). */
  close(): void {
    rmSync(join(this.dir, '.lock'), { force: true });
  }
}
