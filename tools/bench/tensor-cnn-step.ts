/**
 * Times one training step (forward, backward, SGD update) of the tutorial's MNIST CNN at batch 64
 * on a @minidl/tensor backend, using only tensor ops, and prints the median of several steps after
 * warm-up. Where the project's PyTorch venv exists (.venv/bin/python), the same step is timed in
 * PyTorch (tensor_cnn_step_torch.py, same thread count) and the ratio printed.
 *
 *   node --conditions=@minidl/source --import tsx tools/bench/tensor-cnn-step.ts [wasm|js|tfjs] [--json]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as torch from '@minidl/tensor';

const backend = (process.argv[2] ?? 'wasm') as torch.BackendName;
const json = process.argv.includes('--json');
torch.set_backend(backend);
torch.manual_seed(0);

const param = (shape: number[], fan: number) =>
  torch
    .randn(shape)
    .mul(Math.sqrt(2 / fan))
    .requires_grad_();
const w1 = param([16, 1, 3, 3], 9);
const b1 = torch.zeros([16], { requires_grad: true });
const w2 = param([32, 16, 3, 3], 144);
const b2 = torch.zeros([32], { requires_grad: true });
const w3 = param([64, 32, 3, 3], 288);
const b3 = torch.zeros([64], { requires_grad: true });
const w4 = param([100, 3136], 3136);
const b4 = torch.zeros([100], { requires_grad: true });
const w5 = param([10, 100], 100);
const b5 = torch.zeros([10], { requires_grad: true });
const params = [w1, b1, w2, b2, w3, b3, w4, b4, w5, b5];
const x = torch.rand([64, 1, 28, 28]);
const y = torch.randint(0, 10, [64]);

function step(): number {
  let h = torch.conv2d(x, w1, b1, { padding: 1 }).relu();
  h = torch.conv2d(h, w2, b2, { padding: 1 }).relu();
  h = torch.max_pool2d(h, 2);
  h = torch.conv2d(h, w3, b3, { padding: 1 }).relu();
  h = torch.max_pool2d(h, 2).flatten(1);
  h = torch.linear(h, w4, b4).relu();
  const logits = torch.linear(h, w5, b5);
  const loss = torch.log_softmax(logits, 1).gather(1, y.unsqueeze(1)).mean().neg();
  loss.backward();
  torch.no_grad(() => {
    for (const p of params) {
      p.sub_(p.grad!, { alpha: 0.01 });
      p.grad = null;
    }
  });
  return loss.item();
}

const nextTask = () => new Promise<void>((r) => setImmediate(r));
const times: number[] = [];
const runs = backend === 'wasm' ? 15 : 3;
for (let i = 0; i < runs + 2; i++) {
  const t0 = performance.now();
  step();
  const dt = performance.now() - t0;
  if (i >= 2) times.push(dt);
  await nextTask();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
const result: Record<string, unknown> = {
  backend,
  batch: 64,
  stepMs: +median.toFixed(1),
  samplesPerSec: Math.round((64 / median) * 1000),
};
const python = new URL('../../.venv/bin/python', import.meta.url);
if (existsSync(python)) {
  const threads = String(
    (torch.ones([1]).backend as unknown as { kernels?: { threads: number } }).kernels?.threads ?? 1,
  );
  const script = new URL('./tensor_cnn_step_torch.py', import.meta.url).pathname;
  const ref = JSON.parse(execFileSync(python.pathname, [script, threads], { encoding: 'utf8' })) as {
    stepMs: number;
  };
  result.pytorchStepMs = ref.stepMs;
  result.ratioToPytorch = +(median / ref.stepMs).toFixed(2);
}
console.log(
  json
    ? JSON.stringify(result)
    : `${backend}: ${result.stepMs} ms/step (median of ${times.length}), ${result.samplesPerSec} samples/s` +
        (result.pytorchStepMs === undefined
          ? ''
          : `; PyTorch ${result.pytorchStepMs} ms/step, ratio ${result.ratioToPytorch}x`),
);
