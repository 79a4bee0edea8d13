#!/usr/bin/env node
// Real kill-and-resume check: starts the CLI, SIGKILLs it as soon as the first epoch checkpoint is
// on disk, starts it again with the same options and prints the finished run's history, which must
// equal an uninterrupted run's (e.g. PyTorch's reference: same weights, same batches).
// Usage: node scripts/kill-and-resume.mjs OUT_DIR [more CLI options]
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [out, ...options] = process.argv.slice(2);
if (!out) {
  console.error('usage: node scripts/kill-and-resume.mjs OUT_DIR [cli options]');
  process.exit(2);
}
const args = ['tsx', '--conditions=@minidl/source', 'src/cli.ts', ...options, '--out', out];
const start = (label) => {
  console.log(`${label}: npx ${args.join(' ')}`);
  return spawn('npx', args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
};

const first = start('first start');
const checkpoints = join(out, 'checkpoints');
await new Promise((resolve) => {
  const timer = setInterval(() => {
    if (existsSync(checkpoints) && readdirSync(checkpoints).some((f) => f.endsWith('.ckpt'))) {
      clearInterval(timer);
      process.kill(-first.pid, 'SIGKILL'); // the whole process group: npx, tsx and node
      console.log(`killed after the checkpoint ${readdirSync(checkpoints).join(', ')} appeared`);
      resolve();
    }
  }, 200);
});
// SIGKILL is asynchronous: wait until the killed process (the lock holder) is really gone.
const holder = Number(readFileSync(join(out, '.lock'), 'utf8'));
const alive = () => {
  try {
    process.kill(holder, 0);
    return true;
  } catch {
    return false;
  }
};
while (alive()) await new Promise((resolve) => setTimeout(resolve, 100));
const second = start('restart');
const code = await new Promise((resolve) => second.on('exit', resolve));
const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
for (const run of summary.runs) {
  for (const h of run.history) {
    console.log(
      `${run.scheme} seed ${run.seed} epoch ${h.epoch}: test acc ${(100 * h.test_acc).toFixed(2)}% test loss ${h.test_loss.toFixed(6)}`,
    );
  }
}
process.exit(code);
