/**
 * How `fit` shows progress: a live bar on a terminal (cli-progress: steps, samples/s, loss, ETA),
 * one-line logs where output is a file or a CI log (a bar's carriage returns would garble them).
 */
import cliProgress from 'cli-progress';

/** What a reporter is told after each step. */
export interface StepProgress {
  epoch: number;
  epochs: number;
  /** 1-based step within the epoch, and the epoch's step count */
  step: number;
  steps: number;
  /** running mean loss and accuracy (null when not computed) of the epoch so far */
  loss: number;
  accuracy: number | null;
  samples_per_s: number;
  eta_s: number;
}

/** Receives progress from `fit`. */
export interface ProgressReporter {
  epochStart(epoch: number, epochs: number, steps: number, firstStep: number): void;
  step(p: StepProgress): void;
  /** A finished epoch's summary line. */
  epochEnd(line: string): void;
  stop(): void;
}

/** `fit`'s `progress` option: automatic (bar on a TTY, else logs), or forced. */
export type ProgressMode = 'auto' | 'bar' | 'log' | 'none';

/** Seconds as 12.3s below a minute, else m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 59.95) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function describeStep(p: StepProgress): string {
  const acc = p.accuracy === null ? '' : `  acc ${(100 * p.accuracy).toFixed(1)}%`;
  return `loss ${p.loss.toFixed(4)}${acc}  ${Math.round(p.samples_per_s)} samples/s  ETA ${formatDuration(p.eta_s)}`;
}

class BarReporter implements ProgressReporter {
  private bar: cliProgress.SingleBar | undefined;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  epochStart(epoch: number, epochs: number, steps: number, firstStep: number): void {
    this.bar = new cliProgress.SingleBar(
      {
        format: `epoch ${epoch + 1}/${epochs} {bar} {value}/{total} | {stats}`,
        stream: this.stream,
        hideCursor: true,
        barsize: 24,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(steps, firstStep, { stats: '' });
  }

  step(p: StepProgress): void {
    this.bar?.update(p.step, { stats: describeStep(p) });
  }

  epochEnd(line: string): void {
    this.bar?.stop();
    this.bar = undefined;
    this.stream.write(`${line}\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}

class LogReporter implements ProgressReporter {
  private every = 1;

  constructor(
    private readonly write: (line: string) => void,
    private readonly logEvery: number | undefined,
  ) {}

  epochStart(_epoch: number, _epochs: number, steps: number): void {
    this.every = this.logEvery ?? Math.max(1, Math.ceil(steps / 10));
  }

  step(p: StepProgress): void {
    if (p.step % this.every === 0 && p.step !== p.steps) {
      this.write(`epoch ${p.epoch + 1}/${p.epochs}  step ${p.step}/${p.steps}  ${describeStep(p)}`);
    }
  }

  epochEnd(line: string): void {
    this.write(line);
  }

  stop(): void {}
}

const silent: ProgressReporter = { epochStart() {}, step() {}, epochEnd() {}, stop() {} };

/**
 * The reporter for a mode: 'auto' draws a bar when the stream is a terminal and logs lines
 * otherwise; `log` overrides where lines go (default: the stream).
 */
export function createReporter(
  mode: ProgressMode,
  {
    stream = process.stderr,
    log,
    log_every_n_steps,
  }: { stream?: NodeJS.WriteStream; log?: (line: string) => void; log_every_n_steps?: number } = {},
): ProgressReporter {
  if (mode === 'none') return silent;
  if (mode === 'bar' || (mode === 'auto' && stream.isTTY && log === undefined))
    return new BarReporter(stream);
  return new LogReporter(log ?? ((line) => stream.write(`${line}\n`)), log_every_n_steps);
}
