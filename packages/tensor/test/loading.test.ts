// Runs in its own process (vitest forks per file), so the wasm backend is created here first.
import { expect, it } from 'vitest';
import * as torch from '../src/index.js';

it('loads the wasm kernels asynchronously with options, then computes on them', async () => {
  await torch.load_wasm_backend({ threads: 1 });
  expect(torch.get_backend()).toBe('wasm');
  const x = torch.ones([3]).add(1);
  expect((x.backend as unknown as { kernels: { threads: number } }).kernels.threads).toBe(1);
  expect(x.tolist()).toEqual([2, 2, 2]);
});
