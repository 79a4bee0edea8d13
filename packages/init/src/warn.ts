/**
 * Python-style warnings: PyTorch warns (rather than throws) in a few init cases; the message text is
 * PyTorch's. Routed through `console.warn` with the `UserWarning:` prefix Python prints.
 */

/**
 * Emits a Python warning (a `UserWarning` unless another category is given) with PyTorch's message.
 *
 * @example
 * ```ts
 * warn('Initializing zero-element tensors is a no-op');
 * ```
 */
export function warn(message: string, category: 'UserWarning' | 'FutureWarning' = 'UserWarning'): void {
  console.warn(`${category}: ${message}`);
}
