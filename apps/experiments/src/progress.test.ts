import { describe, expect, it } from 'vitest';
import { ProgressBar, progressLine } from './progress.js';

const info = {
  run: 'kaiming seed 0',
  epoch: 1,
  epochs: 2,
  done: 250,
  total: 1000,
  loss: 0.4,
  samplesPerSecond: 900,
};

describe('progressLine', () => {
  it('shows the bar, percentage, run, loss, throughput, elapsed and remaining time', () => {
    expect(progressLine(info, 30, 10)).toBe(
      '[###.......]  25% kaiming seed 0 epoch 1/2 loss 0.4000 900/s 0m30s, 1m30s left',
    );
    expect(progressLine({ ...info, loss: Number.NaN }, 30, 0)).toBe(
      ' 25% kaiming seed 0 epoch 1/2 loss nan 900/s 0m30s, 1m30s left',
    );
  });

  it('estimates the time left from the progress made since this process started', () => {
    // 100 of the 250 steps were done by an earlier, killed process: 150 in 30 s, 750 to go.
    expect(progressLine(info, 30, 0, 100)).toMatch(/2m30s left$/);
  });
});

describe('ProgressBar', () => {
  it('redraws one line that fits an 80-column terminal', () => {
    const written: string[] = [];
    const stream = {
      isTTY: true,
      columns: 80,
      write: (s: string) => written.push(s),
    } as unknown as NodeJS.WriteStream;
    const bar = new ProgressBar(stream);
    bar.update({ ...info, run: 'small-normal seed 12' });
    const line = written[0]!;
    expect(line.startsWith('\r[')).toBe(true);
    expect(line.replace('\r', '').replace('\x1b[K', '').length).toBeLessThanOrEqual(79);
    expect(line).toContain('left');
  });

  it('prints plain lines when not on a terminal', () => {
    const written: string[] = [];
    const stream = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    new ProgressBar(stream).update(info);
    expect(written[0]).toMatch(/^\[#####\.+\] {2}25% .*\n$/);
  });
});
