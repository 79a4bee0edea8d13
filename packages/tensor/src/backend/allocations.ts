/**
 * Tracks the storages allocated while a function runs, so the autograd engine can return the
 * memory of backward-pass temporaries immediately instead of waiting for the garbage collector,
 * and can hand a gradient the pass itself made to a leaf's `.grad` without copying it.
 */
import type { Storage } from './backend.js';

let tracking: Set<Storage> | null = null;

/** Called by backends for every new storage. */
export function noteAllocation(s: Storage): void {
  if (tracking !== null) tracking.add(s);
}

/** Whether `s` was allocated inside the innermost `collectAllocations` now running. */
export function allocatedInCollection(s: Storage): boolean {
  return tracking?.has(s) ?? false;
}

/** Runs `fn` and returns every storage allocated meanwhile. Calls may nest (the outer one sees all). */
export function collectAllocations(fn: () => void): Storage[] {
  const outer = tracking;
  const mine = new Set<Storage>();
  tracking = mine;
  try {
    fn();
  } finally {
    tracking = outer;
    if (outer !== null) for (const s of mine) outer.add(s);
  }
  return [...mine];
}

/** Frees storages whose backend manages memory explicitly (wasm); host arrays are left to the GC. */
export function releaseStorages(storages: Storage[]): void {
  for (const s of storages) s.backend.release?.(s);
}
