/**
 * Waiting for a quiet machine before measuring: the benchmark machine is shared, and two cores are
 * easily saturated by someone else's tests, which distorts wall-clock figures.
 */
import { existsSync, readFileSync } from 'node:fs';

/** Fraction of CPU time idle over `ms` milliseconds (Linux /proc/stat; 1 elsewhere). */
export async function idleFraction(ms: number): Promise<number> {
  const read = () => {
    if (!existsSync('/proc/stat')) return null;
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3]! + f[4]!, total: f.reduce((a, b) => a + b, 0) };
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  return a && b && b.total > a.total ? (b.idle - a.idle) / (b.total - a.total) : 1;
}

/**
 * Waits up to `seconds` until the CPUs are at least 90% idle over two seconds, and says on stderr
 * how idle they were when measuring started. Returns at once for `seconds <= 0`.
 */
export async function waitQuiet(seconds: number): Promise<number | undefined> {
  if (!(seconds > 0)) return undefined;
  const until = Date.now() + seconds * 1000;
  let idle = await idleFraction(2000);
  while (idle < 0.9 && Date.now() < until) idle = await idleFraction(2000);
  console.error(`(CPU ${(idle * 100).toFixed(0)}% idle when measuring started)`);
  return idle;
}
