import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createReporter, formatDuration, type StepProgress } from './progress.js';

/** A stream that claims to be a terminal and records what is written to it. */
function fakeTerminal(): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new PassThrough() as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY: true, columns: 120 });
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join('') };
}

const step = (s: number): StepProgress => ({
  epoch: 0,
  epochs: 2,
  step: s,
  steps: 4,
  loss: 0.5,
  accuracy: 0.75,
  samples_per_s: 1234,
  eta_s: 3,
});

describe('progress', () => {
  it('draws a bar with steps, samples/s, loss and ETA on a terminal', async () => {
    const term = fakeTerminal();
    const reporter = createReporter('auto', { stream: term.stream });
    reporter.epochStart(0, 2, 4, 0);
    for (let s = 1; s <= 4; s++) reporter.step(step(s));
    reporter.epochEnd('epoch 1/2 | done');
    await new Promise((r) => setImmediate(r));
    const text = term.text();
    expect(text).toContain('epoch 1/2');
    expect(text).toMatch(/4\/4 \| loss 0\.5000 {2}acc 75\.0% {2}1234 samples\/s {2}ETA 3\.0s/);
    expect(text).toContain('\x1b'); // cursor control: a live bar, not lines
    expect(text.endsWith('epoch 1/2 | done\n')).toBe(true);
  });

  it('writes one-line logs where output is not a terminal', () => {
    const lines: string[] = [];
    const reporter = createReporter('auto', { log: (l) => lines.push(l), log_every_n_steps: 2 });
    reporter.epochStart(0, 2, 4, 0);
    for (let s = 1; s <= 4; s++) reporter.step(step(s));
    reporter.epochEnd('summary');
    expect(lines).toEqual([
      'epoch 1/2  step 2/4  loss 0.5000  acc 75.0%  1234 samples/s  ETA 3.0s',
      'summary',
    ]);
  });

  it('formats durations', () => {
    expect(formatDuration(4.26)).toBe('4.3s');
    expect(formatDuration(75)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('?');
  });
});
