/**
 * PyTorch-style arguments in TS: PyTorch lets a caller pass parameters by position or by keyword
 * (`nn.Conv2d(1, 16, 3, 1, 1)` or `nn.Conv2d(1, 16, 3, padding=1)`). Here the keywords are one
 * options object, so a call is some leading positional values, optionally followed by (or replaced
 * with) that object.
 */

/** Whether `v` is an options object (a plain object, not a tuple or a tensor-like value). */
function isOptions(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

/**
 * Merges positional values (named in order by `names`) and a trailing options object into one
 * options object; giving a parameter both ways is PyTorch's TypeError.
 *
 * @example
 * ```ts
 * namedArgs([1, 1], ['stride', 'padding']); // { stride: 1, padding: 1 }
 * namedArgs([2, { padding: 1 }], ['stride', 'padding']); // { stride: 2, padding: 1 }
 * ```
 */
export function namedArgs<O extends object>(
  args: readonly unknown[],
  names: readonly (keyof O & string)[],
): O {
  const out: Record<string, unknown> = {};
  const last = args.length - 1;
  const options = last >= 0 && isOptions(args[last]) ? args[last] : undefined;
  const positional = options === undefined ? args : args.slice(0, last);
  if (positional.length > names.length) {
    throw new TypeError(
      `takes at most ${names.length} optional positional arguments but ${positional.length} were given`,
    );
  }
  positional.forEach((v, i) => {
    if (v !== undefined) out[names[i]!] = v;
  });
  for (const [k, v] of Object.entries(options ?? {})) {
    if (k in out) throw new TypeError(`got multiple values for argument '${k}'`);
    out[k] = v;
  }
  return out as O;
}

/**
 * The arguments after the required ones of a PyTorch callable whose further parameters `P` may be
 * given by position: any leading run of `P`, then optionally the options object `O`.
 * `PyArgs<[stride: Pair, padding: Pair], O>` is `[O?] | [Pair, O?] | [Pair, Pair, O?]`.
 */
export type PyArgs<P extends unknown[], O> = P extends [...infer Init, unknown]
  ? PyArgs<Init, O> | [...P, O?]
  : [O?];
