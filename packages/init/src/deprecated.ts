/**
 * PyTorch's deprecated init names without the trailing underscore (`nn.init.xavier_normal`, as old
 * tutorials write): each warns with PyTorch's FutureWarning and calls the in-place function.
 */
import { warnings } from '@minidl/tensor';
import { constant_, normal_, uniform_ } from './basic.js';
import { kaiming_normal_, kaiming_uniform_, xavier_normal_, xavier_uniform_ } from './kaiming-xavier.js';
import { orthogonal_ } from './orthogonal.js';
import { sparse_ } from './sparse.js';
import { dirac_, eye_ } from './structured.js';

function deprecate<A extends unknown[], R>(fn: (...args: A) => R, newName: string): (...args: A) => R {
  const oldName = newName.slice(0, -1);
  return (...args: A) => {
    warnings.warn(
      `\`nn.init.${oldName}\` is now deprecated in favor of \`nn.init.${newName}\`.`,
      'FutureWarning',
    );
    return fn(...args);
  };
}

/**
 * Deprecated: use {@link uniform_}.
 * @example
 * ```ts
 * init.uniform_(w, -0.1, 0.1);
 * ```
 */
export const uniform = deprecate(uniform_, 'uniform_');
/**
 * Deprecated: use {@link normal_}.
 * @example
 * ```ts
 * init.normal_(w, 0, 0.02);
 * ```
 */
export const normal = deprecate(normal_, 'normal_');
/**
 * Deprecated: use {@link constant_}.
 * @example
 * ```ts
 * init.constant_(bias, 0);
 * ```
 */
export const constant = deprecate(constant_, 'constant_');
/**
 * Deprecated: use {@link eye_}.
 * @example
 * ```ts
 * init.eye_(w);
 * ```
 */
export const eye = deprecate(eye_, 'eye_');
/**
 * Deprecated: use {@link dirac_}.
 * @example
 * ```ts
 * init.dirac_(conv.weight);
 * ```
 */
export const dirac = deprecate(dirac_, 'dirac_');
/**
 * Deprecated: use {@link xavier_uniform_}.
 * @example
 * ```ts
 * init.xavier_uniform_(w);
 * ```
 */
export const xavier_uniform = deprecate(xavier_uniform_, 'xavier_uniform_');
/**
 * Deprecated: use {@link xavier_normal_} (the tutorial's `init.xavier_normal(m.weight)`).
 * @example
 * ```ts
 * init.xavier_normal_(w);
 * ```
 */
export const xavier_normal = deprecate(xavier_normal_, 'xavier_normal_');
/**
 * Deprecated: use {@link kaiming_uniform_}.
 * @example
 * ```ts
 * init.kaiming_uniform_(w, { nonlinearity: 'relu' });
 * ```
 */
export const kaiming_uniform = deprecate(kaiming_uniform_, 'kaiming_uniform_');
/**
 * Deprecated: use {@link kaiming_normal_} (the tutorial's `init.kaiming_normal(m.weight)`).
 * @example
 * ```ts
 * init.kaiming_normal_(w);
 * ```
 */
export const kaiming_normal = deprecate(kaiming_normal_, 'kaiming_normal_');
/**
 * Deprecated: use {@link orthogonal_}.
 * @example
 * ```ts
 * init.orthogonal_(w);
 * ```
 */
export const orthogonal = deprecate(orthogonal_, 'orthogonal_');
/**
 * Deprecated: use {@link sparse_}.
 * @example
 * ```ts
 * init.sparse_(w, 0.1);
 * ```
 */
export const sparse = deprecate(sparse_, 'sparse_');
