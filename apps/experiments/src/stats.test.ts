import { describe, expect, it } from 'vitest';
import { syntheticTrainer } from '../test/synthetic-trainer.js';
import { libraryVersions, runConfigOf } from './config.js';
import { parseOptions } from './options.js';
import type { RunRecord } from './record.js';
import { BUILTIN_SCHEMES } from './schemes.js';
import { bandOf, meanStd, stepsToAccuracy, summarise, trains } from './stats.js';

describe('meanStd', () => {
  it('uses the sample std (n - 1) like torch.std, 0 for one value, and skips non-finite values', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3), n: 4 });
    expect(meanStd([7])).toEqual({ mean: 7, std: 0, n: 1 });
    expect(meanStd([1, Number.NaN, 3]).mean).toBe(2);
    expect(meanStd([]).n).toBe(0);
  });
});

describe('bandOf', () => {
  it('keeps only the x values every series has', () => {
    expect(
      bandOf([
        [
          { x: 1, y: 1 },
          { x: 2, y: 2 },
        ],
        [{ x: 1, y: 3 }],
      ]),
    ).toEqual([{ x: 1, mean: 2, std: Math.SQRT2 }]);
  });
});

describe('summarise', () => {
  it('aggregates final accuracy and steps to 50% and 90% per scheme', async () => {
    const config = runConfigOf(parseOptions(['--epochs', '2', '--log-every', '10']));
    const fake = syntheticTrainer({ stepsPerEpoch: 200 });
    const runs: RunRecord[] = [];
    for (const scheme of [BUILTIN_SCHEMES.kaiming, BUILTIN_SCHEMES['small-normal']]) {
      for (const seed of [0, 1]) {
        runs.push(
          await fake.trainRun(
            { scheme, seed, config, versions: libraryVersions(1) },
            { checkpoint: () => {}, step: () => {} },
          ),
        );
      }
    }
    // Synthetic accuracy 1 - 0.9 exp(-step / tau): 50% at tau ln(9/5), 90% at tau ln 9; kaiming tau = 80 (seed 0), 88 (seed 1).
    expect(stepsToAccuracy(runs[0]!, 0.5)).toBe(50);
    expect(stepsToAccuracy(runs[0]!, 0.9)).toBe(180);
    const [kaiming, small] = summarise(runs);
    expect(kaiming!.scheme).toBe('kaiming');
    expect(kaiming!.steps_to_50).toEqual({ mean: 55, reached: 2 });
    expect(kaiming!.final_test_acc.mean).toBeCloseTo(
      (runs[0]!.history[1]!.test_acc + runs[1]!.history[1]!.test_acc) / 2,
      12,
    );
    expect(kaiming!.final_test_acc.std).toBeGreaterThan(0);
    expect(small!.steps_to_90).toEqual({ mean: Number.NaN, reached: 0 });
  });
});

describe('trains', () => {
  it('needs the final test loss 5% below the initial one and below chance', () => {
    const run = (initial: number, final: number) =>
      ({
        init: { test_loss: initial, test_acc: 0.1 },
        history: [{ test_loss: final }],
      }) as unknown as RunRecord;
    expect(trains(run(2.3, 2.0))).toBe(true);
    expect(trains(run(2.3, 2.25))).toBe(false);
    expect(trains(run(2.3, Number.NaN))).toBe(false);
    expect(trains(run(6e6, 2.29))).toBe(false);
  });
});
