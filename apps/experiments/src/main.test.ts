import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { syntheticTrainer } from '../test/synthetic-trainer.js';
import { invocationDir, main } from './main.js';
import type { Summary } from './summary.js';

function harness(options: { dieAfterEpoch?: number } = {}) {
  const fake = syntheticTrainer({ stepsPerEpoch: 50, ...options });
  const stdout: string[] = [];
  const logs: string[] = [];
  const context = {
    createTrainer: async () => ({ trainRun: fake.trainRun }),
    cwd: mkdtempSync(join(tmpdir(), 'minidl-main-')),
    stdout: (t: string) => stdout.push(t),
    output: { update: () => {}, log: (m: string) => logs.push(m), done: () => {} },
    png: true,
  };
  return { fake, stdout, logs, context };
}

afterEach(() => vi.restoreAllMocks());

describe('main', () => {
  it('writes summary.json, CSV, SVG and PNG plots and report.html, and prints the summary table', async () => {
    const h = harness();
    const code = await main(
      [
        '--schemes',
        'small-normal,kaiming',
        '--seeds',
        '2',
        '--epochs',
        '2',
        '--log-every',
        '10',
        '--out',
        'res',
      ],
      h.context,
    );
    expect(code).toBe(0);
    const out = join(h.context.cwd, 'res');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(summary.runs.map((r) => [r.scheme, r.seed])).toEqual([
      ['small-normal', 0],
      ['small-normal', 1],
      ['kaiming', 0],
      ['kaiming', 1],
    ]);
    const run = summary.runs[2]!;
    expect(run.config).toMatchObject({
      epochs: 2,
      batch_size: 16,
      lr: 0.0002,
      optimizer: 'sgd',
      loss: 'cross_entropy',
    });
    expect(run.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(Object.keys(run.history[0]!)).toEqual(
      expect.arrayContaining(['epoch', 'train_loss', 'test_loss', 'test_acc']),
    );
    expect(summary.versions.packages['@minidl/nn']).toBeDefined();
    for (const name of ['epochs.csv', 'steps.csv', 'layers.csv', 'summary.csv', 'report.html'])
      expect(existsSync(join(out, name))).toBe(true);
    for (const fig of ['train-loss', 'test-accuracy', 'test-loss', 'activation-std-init', 'grad-norm-init']) {
      expect(readFileSync(join(out, 'plots', `${fig}.svg`), 'utf8')).toMatch(/^<svg/);
      expect(
        readFileSync(join(out, 'plots', `${fig}.png`))
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    }
    expect(readFileSync(join(out, 'epochs.csv'), 'utf8').split('\n')[0]).toBe(
      'scheme,seed,epoch,step,train_loss,train_acc,test_loss,test_acc,wall_time_s,samples_per_s',
    );
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html.match(/<svg/g)?.length).toBe(5);
    const table = h.stdout.join('');
    expect(table).toMatch(/scheme\s+seeds\s+final test acc\s+steps to 50%\s+steps to 90%\s+final test loss/);
    expect(table).toMatch(/kaiming\s+2\s+\d+\.\d% ± \d+\.\d/);
  });

  it('resumes after a kill with the same options and refuses different options in the same folder', async () => {
    const first = harness({ dieAfterEpoch: 1 });
    const args = ['--schemes', 'kaiming', '--seeds', '1', '--epochs', '3', '--out', 'res'];
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(args, first.context)).toBe(1);
    const second = harness();
    const context = { ...second.context, cwd: first.context.cwd };
    expect(await main(args, context)).toBe(0);
    expect(second.fake.trained).toEqual(['kaiming/0/2', 'kaiming/0/3']);
    expect(await main([...args.slice(0, -2), '--lr', '0.1', '--out', 'res'], context)).toBe(2);
    expect(String(vi.mocked(process.stderr.write).mock.calls.at(-1)?.[0])).toContain(
      'lr: 0.0002 there, 0.1 now',
    );
  });

  it('names the default folder by the configuration hash', async () => {
    const h = harness();
    expect(await main(['--schemes', 'kaiming', '--seeds', '1', '--epochs', '1'], h.context)).toBe(0);
    expect(h.logs[0]).toMatch(/writing to .*results\/tutorial-cnn-[0-9a-f]{10}$/);
  });

  it('overlays a reference file and rejects a malformed one before training', async () => {
    const h = harness();
    expect(
      await main(['--schemes', 'kaiming', '--seeds', '1', '--epochs', '1', '--out', 'a'], h.context),
    ).toBe(0);
    const summary = JSON.parse(readFileSync(join(h.context.cwd, 'a', 'summary.json'), 'utf8')) as Summary;
    const refPath = join(h.context.cwd, 'ref.json');
    writeFileSync(
      refPath,
      JSON.stringify({
        source: 'torch 2.13',
        versions: { torch: '2.13.0' },
        config: summary.config,
        runs: summary.runs,
      }),
    );
    expect(
      await main(
        ['--schemes', 'kaiming', '--seeds', '1', '--epochs', '1', '--out', 'a', '--reference', 'ref.json'],
        h.context,
      ),
    ).toBe(0);
    const html = readFileSync(join(h.context.cwd, 'a', 'report.html'), 'utf8');
    expect(html).toContain('minidl and PyTorch side by side');
    expect(html).toContain('<th>epoch 1: minidl / PyTorch</th>');
    expect(html).toContain('kaiming (PyTorch)');
    writeFileSync(
      refPath,
      JSON.stringify({
        source: 'torch',
        versions: {},
        config: { ...summary.config, lr: 0.1 },
        runs: summary.runs,
      }),
    );
    expect(
      await main(
        ['--schemes', 'kaiming', '--seeds', '1', '--epochs', '1', '--out', 'a', '--reference', 'ref.json'],
        h.context,
      ),
    ).toBe(0);
    expect(h.logs).toContain(
      'note: the reference was run with a different configuration (lr: 0.1 there, 0.0002 now)',
    );
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    writeFileSync(refPath, '{"runs": 3}');
    expect(await main(['--schemes', 'kaiming', '--reference', 'ref.json'], h.context)).toBe(2);
    expect(h.fake.trained).toEqual(['kaiming/0/1']);
  });

  it('prints help and exits 0; exits 2 listing valid values on bad input', async () => {
    const h = harness();
    expect(await main(['--help'], h.context)).toBe(0);
    expect(h.stdout.join('')).toContain('--schemes');
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['--schemes', 'he'], h.context)).toBe(2);
    expect(String(err.mock.calls[0]?.[0])).toContain('valid schemes: small-normal, xavier, kaiming');
  });
});

describe('invocationDir', () => {
  it('uses INIT_CWD from npm, and the workspace root under nx, where INIT_CWD is the app folder', () => {
    expect(invocationDir({ INIT_CWD: '/home/me/work' })).toBe('/home/me/work');
    expect(
      invocationDir({
        INIT_CWD: '/repo/apps/experiments',
        NX_TASK_TARGET_PROJECT: '@minidl/experiments',
        NX_WORKSPACE_ROOT: '/repo',
      }),
    ).toBe('/repo');
    expect(invocationDir({})).toBe(process.cwd());
  });
});
