/**
 * Tracks the storages allocated while a function runs, so the autograd engine can return the
 * memory of backward-pass temporaries immediately instead of waiting for the garbage collector.
 */
import type { Storage } from './backend.js';

let tracking: Storage[] | null = null;

/** Called by backends for every new storage. */
export function noteAllocation(s: Storage): void {
  if (tracking !== null) tracking.push(s);
}

/** Runs `fn` and returns every storage allocated meanwhile. Calls do not nest. */
export function collectAllocations(fn: () => void): Storage[] {
  const outer = tracking;
  const mine: Storage[] = [];
  tracking = mine;
  try {
    fn();
  } finally {
    tracking = outer;
    if (outer !== null) outer.push(...mine);
  }
  return mine;
}

/** Frees storages whose backend manages memory explicitly (wasm); host arrays are left to the GC. */
export function releaseStorages(storages: Storage[]): void {
  for (const s of storages) s.backend.release?.(s);
}
