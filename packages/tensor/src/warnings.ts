/**
 * Python's `warnings` module, which PyTorch uses where it warns instead of failing (a deprecated
 * name, an implicit softmax dim, a zero-element init...), for every minidl package. In Node a warning
 * is `process.emitWarning(message, category)`: printed to stderr as `(node:pid) UserWarning: ...`,
 * delivered to `process.on('warning')` listeners and silenced by `node --no-warnings`; where there is
 * no `process` (a browser) it goes to `console.warn`. As with Python's default filter, a given
 * warning is shown once (Python keys it by call site; minidl by category and text).
 */

/** The warning classes PyTorch raises. */
export type WarningCategory = 'UserWarning' | 'FutureWarning' | 'DeprecationWarning';

/**
 * What happens to a warning (Python's `simplefilter` actions): shown once (`'default'`), every time
 * (`'always'`), never (`'ignore'`), or thrown as an error (`'error'`, like `python -W error`).
 */
export type WarningAction = 'default' | 'always' | 'ignore' | 'error';

let action: WarningAction = 'default';
const shown = new Set<string>();

/**
 * Sets what every later warning does, as Python's `warnings.simplefilter(action)`.
 *
 * @example
 * ```ts
 * torch.warnings.simplefilter('error'); // find where a warning comes from: it now throws
 * ```
 */
export function simplefilter(newAction: WarningAction): void {
  action = newAction;
}

/**
 * Issues a warning, as Python's `warnings.warn(message, category)`.
 *
 * @throws the warning as an Error under `simplefilter('error')`.
 * @example
 * ```ts
 * torch.warnings.warn('Initializing zero-element tensors is a no-op');
 * ```
 */
export function warn(message: string, category: WarningCategory = 'UserWarning'): void {
  if (action === 'ignore') return;
  const text = `${category}: ${message}`;
  if (action === 'error') throw new Error(text);
  if (action === 'default') {
    if (shown.has(text)) return;
    shown.add(text);
  }
  const proc = (globalThis as { process?: { emitWarning?: (m: string, c: string) => void } }).process;
  if (typeof proc?.emitWarning === 'function') proc.emitWarning(message, category);
  else console.warn(text);
}
