/**
 * A one-line progress bar on stderr: the overall fraction of steps done across all runs, the
 * current run, its last loss, throughput and the time left. When stderr is not a terminal (CI,
 * a log file) it prints a plain line at most every `quietSeconds` instead of redrawing.
 */

/** What the runner reports after each step. */
export interface ProgressInfo {
  run: string;
  epoch: number;
  epochs: number;
  /** Steps done in all runs (finished runs count fully) and the total. */
  done: number;
  total: number;
  loss: number;
  samplesPerSecond: number;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * The text of one progress line: a bar of `barWidth` characters (none if 0), then the overall
 * percentage, the current run, its last loss, throughput and times.
 *
 * @example
 * ```ts
 * progressLine({ run: 'kaiming seed 0', epoch: 1, epochs: 2, done: 250, total: 1000, loss: 0.4, samplesPerSecond: 900 }, 30, 10);
 * // '[###.......]  25% kaiming seed 0 epoch 1/2 loss 0.4000 900/s 0m30s, 1m30s left'
 * ```
 */
export function progressLine(
  info: ProgressInfo,
  elapsedSeconds: number,
  barWidth: number,
  startDone = 0,
): string {
  const fraction = info.total > 0 ? info.done / info.total : 0;
  const filled = Math.round(fraction * barWidth);
  const rate = (info.done - startDone) / elapsedSeconds;
  const left = rate > 0 ? (info.total - info.done) / rate : Number.NaN;
  const bar = barWidth > 0 ? `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ` : '';
  return (
    `${bar}${String(Math.floor(100 * fraction)).padStart(3)}% ` +
    `${info.run} epoch ${info.epoch}/${info.epochs} loss ${Number.isFinite(info.loss) ? info.loss.toFixed(4) : 'nan'} ` +
    `${Math.round(info.samplesPerSecond)}/s ${duration(elapsedSeconds)}, ${duration(left)} left`
  );
}

/**
 * Progress output for a whole invocation.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar(); bar.update(info); bar.done();
 * ```
 */
export class ProgressBar {
  private readonly start = performance.now();
  private lastDraw = Number.NEGATIVE_INFINITY;
  private startDone: number | undefined;
  private readonly tty: boolean;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly quietSeconds = 15,
  ) {
    this.tty = stream.isTTY === true;
  }

  update(info: ProgressInfo): void {
    this.startDone ??= info.done;
    const now = performance.now();
    const every = this.tty ? 200 : this.quietSeconds * 1000;
    if (now - this.lastDraw < every && info.done < info.total) return;
    this.lastDraw = now;
    const elapsed = (now - this.start) / 1000;
    if (!this.tty) {
      this.stream.write(`${progressLine(info, elapsed, 20, this.startDone)}\n`);
      return;
    }
    // The bar gets what the text leaves of the terminal's width (up to 30), and the line never wraps.
    const columns = this.stream.columns ?? 80;
    const text = progressLine(info, elapsed, 0, this.startDone).length;
    const width = Math.max(0, Math.min(30, columns - 1 - text - 3));
    this.stream.write(`\r${progressLine(info, elapsed, width, this.startDone).slice(0, columns - 1)}\x1b[K`);
  }

  /** Prints a message on its own line without garbling the bar. */
  log(message: string): void {
    this.stream.write(this.tty ? `\r\x1b[K${message}\n` : `${message}\n`);
    this.lastDraw = Number.NEGATIVE_INFINITY;
  }

  done(): void {
    if (this.tty) this.stream.write('\r\x1b[K');
  }
}
