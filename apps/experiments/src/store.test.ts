import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigOf } from './config.js';
import { DEFAULTS } from './options.js';
import {
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  RunStore,
  runKey,
  writeFileAtomic,
} from './store.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'minidl-store-'));
const config = runConfigOf(DEFAULTS);

const checkpoint: Checkpoint = {
  partial: {
    scheme: 'kaiming',
    seed: 3,
    config,
    versions: { packages: {}, node: 'v20', platform: 'linux-x64', cpu: 'x', threads: 2 },
    init: { test_loss: 2.3, test_acc: 0.1 },
    history: [],
    steps: [{ step: 25, loss: 2.1, acc: 0.2 }],
    diagnostics: [],
    diverged: false,
  },
  elapsed_s: 12.5,
  tensors: {
    'layer.0.weight': { shape: [2, 3], data: new Float32Array([1, -2, 3.5, 1e-30, Number.NaN, 6]) },
    bias: { shape: [1], data: new Float32Array([0.25]) },
  },
  state: { step: 500 },
};

describe('checkpoint encoding', () => {
  it('round-trips the record, state and every float32 bit', () => {
    const back = decodeCheckpoint(encodeCheckpoint(checkpoint));
    expect(back.partial).toEqual(checkpoint.partial);
    expect(back.elapsed_s).toBe(12.5);
    expect(back.state).toEqual({ step: 500 });
    expect(back.tensors['layer.0.weight']!.shape).toEqual([2, 3]);
    expect(Array.from(new Uint32Array(back.tensors['layer.0.weight']!.data.buffer))).toEqual(
      Array.from(new Uint32Array(checkpoint.tensors['layer.0.weight']!.data.buffer)),
    );
    expect(back.tensors.bias!.data[0]).toBe(0.25);
  });

  it('rejects files that are not checkpoints or are cut short', () => {
    expect(() => decodeCheckpoint(new TextEncoder().encode('{"json": true}'))).toThrow('bad magic');
    const bytes = encodeCheckpoint(checkpoint);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 4))).toThrow(
      "truncated inside tensor 'bias'",
    );
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temporary behind', () => {
    const dir = tempDir();
    const path = join(dir, 'sub', 'a.json');
    writeFileAtomic(path, 'one');
    writeFileAtomic(path, 'two');
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['a.json']);
  });
});

describe('RunStore', () => {
  it('stores checkpoints and finished runs, dropping the checkpoint when the run finishes', () => {
    const dir = tempDir();
    const store = RunStore.open(dir, config);
    expect(store.finished('kaiming', 3)).toBeUndefined();
    store.saveCheckpoint('kaiming', 3, checkpoint);
    expect(store.checkpoint('kaiming', 3)!.state).toEqual({ step: 500 });
    store.saveRun({ ...checkpoint.partial, wall_time_s: 1, samples_per_s: 2 });
    expect(store.finished('kaiming', 3)!.samples_per_s).toBe(2);
    expect(store.checkpoint('kaiming', 3)).toBeUndefined();
    store.close();
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });

  it('refuses a folder of another configuration, naming the difference', () => {
    const dir = tempDir();
    RunStore.open(dir, config).close();
    expect(() => RunStore.open(dir, { ...config, lr: 0.01 })).toThrow(
      /different configuration \(lr: 0.0002 there, 0.01 now\)/,
    );
    expect(() => RunStore.open(dir, config).close()).not.toThrow();
  });

  it('refuses a folder a live process holds, and ignores a dead one’s lock', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.lock'), String(process.ppid));
    expect(() => RunStore.open(dir, config)).toThrow(`being written by process ${process.ppid}`);
    writeFileSync(join(dir, '.lock'), '2147483646');
    expect(() => RunStore.open(dir, config).close()).not.toThrow();
  });

  it('names run files safely', () => {
    expect(runKey('my scheme/x', 2)).toBe('my_scheme_x-seed2');
  });
});
