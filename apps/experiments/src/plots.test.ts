import { describe, expect, it } from 'vitest';
import { syntheticTrainer } from '../test/synthetic-trainer.js';
import { libraryVersions, runConfigOf } from './config.js';
import { parseOptions } from './options.js';
import { figures, schemeColor, withOffScaleLosses } from './plots.js';
import type { RunRecord } from './record.js';
import { BUILTIN_SCHEMES } from './schemes.js';
import { PALETTE } from './svg-chart.js';

async function runs(): Promise<RunRecord[]> {
  const config = runConfigOf(parseOptions(['--epochs', '2', '--log-every', '10']));
  const fake = syntheticTrainer({ stepsPerEpoch: 50 });
  const out: RunRecord[] = [];
  for (const seed of [0, 1]) {
    out.push(
      await fake.trainRun(
        { scheme: BUILTIN_SCHEMES.kaiming, seed, config, versions: libraryVersions(1) },
        { checkpoint: () => {}, step: () => {} },
      ),
    );
  }
  return out;
}

describe('figures', () => {
  it('draws the five figures, a band for several seeds and dashed reference lines', async () => {
    const minidl = await runs();
    const figs = figures(minidl, [{ ...minidl[0]!, scheme: 'kaiming' }]);
    expect(figs.map((f) => f.name)).toEqual([
      'train-loss',
      'test-accuracy',
      'test-loss',
      'activation-std-init',
      'grad-norm-init',
    ]);
    const accuracy = figs[1]!.svg;
    expect(accuracy).toContain('>kaiming (2 seeds)</text>');
    expect(accuracy).toContain('>kaiming (PyTorch)</text>');
    expect(accuracy).toContain('fill-opacity="0.18"');
    expect(accuracy).toContain('stroke-dasharray="6 4"');
    expect(figs[3]!.svg).toContain('>layer.0</text>');
  });

  it('fits loss plots to the readable values and names a scheme whose loss explodes', () => {
    const line = (label: string, ys: number[]) => ({
      label,
      color: '#000',
      points: ys.map((y, x) => ({ x, y })),
    });
    const spec = { title: 'Loss', xLabel: 'step', yLabel: 'ce', series: [line('kaiming', [2.3, 1.2, 0.4])] };
    expect(withOffScaleLosses(spec)).toBe(spec);
    const clipped = withOffScaleLosses({
      ...spec,
      series: [...spec.series, line('uniform01', [2.3e6, 2.31, Number.NaN])],
    });
    expect(clipped.title).toBe('Loss (off the scale: uniform01 up to 2.3e6)');
    expect(clipped.yDomain).toEqual([0, 3]);
  });

  it('gives each built-in scheme its own colour, user schemes the next ones', () => {
    expect(schemeColor('small-normal', [])).toBe(PALETTE[0]);
    expect(schemeColor('kaiming', [])).toBe(PALETTE[2]);
    expect(schemeColor('mine', ['kaiming', 'mine'])).toBe(PALETTE[11]);
  });
});
