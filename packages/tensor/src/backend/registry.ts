/**
 * The current backend: where new tensors are allocated and computed. Like a PyTorch device, each
 * tensor stays on the backend that created it; mixing backends in one op is an error.
 */
import type { Backend, BackendName } from './backend.js';
import { HostBackend } from './host.js';

type Factory = () => Backend;

const factories = new Map<BackendName, Factory>([['js', () => new HostBackend()]]);
const instances = new Map<BackendName, Backend>();
let current: Backend | null = null;
let defaultName: BackendName = 'js';

/** Makes a backend available by name; `preferAsDefault` makes it the one used before any `set_backend`. */
export function registerBackend(name: BackendName, factory: Factory, preferAsDefault = false): void {
  factories.set(name, factory);
  if (preferAsDefault) defaultName = name;
}

function instance(name: BackendName): Backend {
  let b = instances.get(name);
  if (b === undefined) {
    const factory = factories.get(name);
    if (factory === undefined) {
      throw new Error(`Unknown backend '${name}': expected one of ${[...factories.keys()].join(', ')}`);
    }
    b = factory();
    instances.set(name, b);
  }
  return b;
}

/**
 * Selects where new tensors live and compute: `'wasm'` (the default: our SIMD kernels), `'tfjs'`
 * (TensorFlow.js ops, the portable reference) or `'js'` (plain TypeScript loops). Existing tensors
 * stay on their backend.
 *
 * @example
 * ```ts
 * set_backend('tfjs');
 * const x = ones([2, 2]); // computed by tfjs
 * ```
 */
export function set_backend(name: BackendName): void {
  current = instance(name);
}

/**
 * The name of the current backend.
 *
 * @example
 * ```ts
 * get_backend(); // 'wasm'
 * ```
 */
export function get_backend(): BackendName {
  return currentBackend().name;
}

/** The current backend object (created on first use). */
export function currentBackend(): Backend {
  if (current === null) current = instance(defaultName);
  return current;
}

/** A backend by name, created on first use (for moving tensors between backends). */
export function backendByName(name: BackendName): Backend {
  return instance(name);
}
