/**
 * Python-style warnings for the few cases where PyTorch warns instead of failing (an implicit softmax
 * dim, mismatched MSE shapes). Like Python's default filter, each distinct message is shown once.
 */

const shown = new Set<string>();

/**
 * Prints `UserWarning: message` on the console the first time a message is seen.
 *
 * @example
 * ```ts
 * warnOnce('Implicit dimension choice for softmax has been deprecated.');
 * ```
 */
export function warnOnce(message: string): void {
  if (shown.has(message)) return;
  shown.add(message);
  console.warn(`UserWarning: ${message}`);
}
