/**
 * Flat memory without dispose: a small MLP trained for 10,000 steps with plain tensor ops and a
 * manual SGD update, one macrotask per step (as a DataLoader's `for await` gives). Wasm memory held
 * by live tensors must stay bounded: intermediates are freed by the autograd engine (backward
 * temporaries) and by finalizers (forward results once unreachable).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { expect, it } from 'vitest';
import * as torch from '../src/index.js';

const nextTask = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A full garbage collection (Node exposes `gc` at runtime through v8 flags). */
function gcNow(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

it('keeps wasm memory flat over 10,000 training steps of a small MLP', async () => {
  torch.set_backend('wasm');
  torch.ones([1]).add(1); // load the kernels (their workspaces live in the same heap)
  gcNow();
  await nextTask();
  const baseline = torch.memory_stats()!.bytesInUse;
  torch.manual_seed(0);
  const w1 = torch.randn([32, 64]).mul(0.2).requires_grad_();
  const b1 = torch.zeros([64], { requires_grad: true });
  const w2 = torch.randn([64, 10]).mul(0.2).requires_grad_();
  const b2 = torch.zeros([10], { requires_grad: true });
  const params = [w1, b1, w2, b2];
  const x = torch.randn([64, 32]);
  const y = torch.randint(0, 10, [64]);
  const inUse: number[] = [];
  let firstLoss = 0;
  let lastLoss = 0;
  for (let step = 0; step < 10_000; step++) {
    const logp = torch.log_softmax(x.matmul(w1).add(b1).relu().matmul(w2).add(b2), 1);
    const loss = logp.gather(1, y.unsqueeze(1)).mean().neg();
    loss.backward();
    torch.no_grad(() => {
      for (const p of params) {
        p.sub_(p.grad!, { alpha: 0.05 });
        p.grad!.zero_();
      }
    });
    if (step === 0) firstLoss = loss.item();
    lastLoss = loss.item();
    if (step % 500 === 499) inUse.push(torch.memory_stats()!.bytesInUse);
    await nextTask();
  }
  expect(lastLoss).toBeLessThan(firstLoss / 10); // it really trained
  // A step allocates ~100 KiB of tensors that outlive the step's backward, so without freeing
  // 10,000 steps would hold ~1 GiB. Freed storages are reused: use saws between collections
  // (requested after 128 MiB of allocation, or later if collections are slow) but stays bounded.
  expect(Math.max(...inUse)).toBeLessThan(320 * 2 ** 20);
  // and it keeps coming back down: some reading after the first half is near the live size
  expect(Math.min(...inUse.slice(inUse.length / 2))).toBeLessThan(64 * 2 ** 20);
  // Once everything but the parameters is unreachable, a collection plus a turn of the event loop
  // returns the memory: no leak.
  gcNow();
  await nextTask();
  await nextTask();
  const held = torch.memory_stats()!.bytesInUse - baseline;
  // parameters, their gradients, x and y: 10 blocks, about 40 KiB
  expect(held).toBeLessThan(64 * 1024);
});

it('frees memory inside a synchronous loop too (Node: finalizers run right after a forced GC)', () => {
  torch.set_backend('wasm');
  expect(torch.memory_stats()!.syncFinalization).toBe(true);
  torch.manual_seed(1);
  const w = torch.randn([32, 64]).mul(0.2).requires_grad_();
  const x = torch.randn([64, 32]);
  let peak = 0;
  // ~50 KiB of tensors outlive each step: 8,000 steps without freeing would hold ~430 MiB (measured)
  for (let step = 0; step < 8000; step++) {
    const loss = x.matmul(w).relu().square().mean();
    loss.backward();
    torch.no_grad(() => {
      w.sub_(w.grad!, { alpha: 0.01 });
      w.grad = null;
    });
    if (step % 100 === 0) peak = Math.max(peak, torch.memory_stats()!.bytesInUse);
  }
  expect(peak).toBeLessThan(256 * 2 ** 20);
});
