/**
 * Whether operations record the autograd graph: PyTorch's `torch.no_grad()` / `torch.enable_grad()`
 * as functions that run a callback in that mode.
 */

let enabled = true;

/**
 * Whether new operations are recorded for autograd (PyTorch's `torch.is_grad_enabled()`).
 *
 * @example
 * ```ts
 * no_grad(() => is_grad_enabled()); // false
 * ```
 */
export function is_grad_enabled(): boolean {
  return enabled;
}

/**
 * Sets grad mode globally (PyTorch's `torch.set_grad_enabled(mode)`); prefer `no_grad(fn)`.
 *
 * @example
 * ```ts
 * set_grad_enabled(false); // inference from here on
 * ```
 */
export function set_grad_enabled(mode: boolean): void {
  enabled = mode;
}

function withMode<T>(mode: boolean, fn: () => T): T {
  const previous = enabled;
  enabled = mode;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    enabled = previous;
    throw e;
  }
  if (result instanceof Promise) {
    // An async callback keeps the mode until it settles (there is one JS thread, so other code
    // interleaved at its awaits sees the same mode, like one Python thread inside a `with` block).
    return result.finally(() => {
      enabled = previous;
    }) as T;
  }
  enabled = previous;
  return result;
}

/**
 * Runs `fn` without recording operations for autograd, like `with torch.no_grad():`. Results do not
 * require grad, and in-place updates of leaf parameters (an optimizer step, an init) are allowed.
 *
 * @example
 * ```ts
 * no_grad(() => { w.sub_(w.grad!.mul(0.1)); });
 * const pred = no_grad(() => model.forward(x));
 * ```
 */
export function no_grad<T>(fn: () => T): T {
  return withMode(false, fn);
}

/**
 * Runs `fn` with grad recording on, even inside `no_grad` (PyTorch's `torch.enable_grad()`).
 *
 * @example
 * ```ts
 * no_grad(() => enable_grad(() => x.mul(2))).requires_grad; // true if x requires grad
 * ```
 */
export function enable_grad<T>(fn: () => T): T {
  return withMode(true, fn);
}
