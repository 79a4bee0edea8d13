/**
 * Finite-difference gradient check in the manner of PyTorch's `torch.autograd.gradcheck` (its
 * default, non-fast mode): for an op f with float64 inputs x, the numerical Jacobian
 *   J_num[j][k] = (f_j(x + eps e_k) - f_j(x - eps e_k)) / (2 eps)     (central differences, eps 1e-6)
 * is compared with the analytical Jacobian autograd gives, one backward pass per output element j
 * with a one-hot output gradient (row j = d f_j / d x). Both are float64, so the tolerance is
 * PyTorch's: |analytic - numeric| <= atol + rtol |numeric| with atol 1e-5, rtol 1e-3.
 *
 * The same float64 numerical Jacobian is also the reference for the float32 path (the wasm kernels
 * training actually runs): the op is built again with float32 leaves holding the same values, and
 * its float32 analytical Jacobian must match within float32-sized tolerances.
 */
import * as torch from '../src/index.js';

/** A Jacobian: one row per output element, one column per input element. */
export type Jacobian = Float64Array[];

/** The elements of `t` in row-major order, as doubles. */
export function values(t: torch.Tensor): Float64Array {
  return Float64Array.from(t.reshape([-1]).tolist() as number[]);
}

/** Options of a gradient check. */
export interface GradcheckOptions {
  /** Finite-difference step (PyTorch's default 1e-6). */
  eps?: number;
  /** Absolute tolerance (PyTorch's default 1e-5). */
  atol?: number;
  /** Relative tolerance (PyTorch's default 1e-3). */
  rtol?: number;
  /** Called before every evaluation of f (e.g. to reseed the generator for dropout). */
  before?: () => void;
}

/** What a check found: the first element over tolerance, or null; and the largest error / tolerance. */
export interface GradcheckResult {
  failure: string | null;
  worst: number;
}

/** Central-difference Jacobians of `f` w.r.t. each input that requires grad (null for the others). */
export function numericalJacobians(
  f: (...xs: torch.Tensor[]) => torch.Tensor,
  inputs: torch.Tensor[],
  eps: number,
  before?: () => void,
): (Jacobian | null)[] {
  const evaluate = (): Float64Array => {
    before?.();
    return values(torch.no_grad(() => f(...inputs)));
  };
  const outCount = evaluate().length;
  return inputs.map((x) => {
    if (!x.requires_grad) return null;
    // perturb through a detached flat view of the leaf's storage, so the leaf stays a leaf
    const flat = x.data.reshape([-1]);
    const jac: Jacobian = Array.from({ length: outCount }, () => new Float64Array(x.numel()));
    for (let k = 0; k < x.numel(); k++) {
      const element = flat.select(0, k);
      const orig = element.item();
      element.fill_(orig + eps);
      const plus = evaluate();
      element.fill_(orig - eps);
      const minus = evaluate();
      element.fill_(orig);
      for (let j = 0; j < outCount; j++) jac[j]![k] = (plus[j]! - minus[j]!) / (2 * eps);
    }
    return jac;
  });
}

/**
 * Autograd's Jacobians of `f` w.r.t. each input that requires grad: one backward pass per output
 * element with a one-hot gradient (in the output's dtype) through a retained graph.
 */
export function analyticalJacobians(
  f: (...xs: torch.Tensor[]) => torch.Tensor,
  inputs: torch.Tensor[],
  before?: () => void,
): (Jacobian | null)[] {
  before?.();
  const out = f(...inputs);
  const n = out.numel();
  const jacs = inputs.map((x) =>
    x.requires_grad ? Array.from({ length: n }, () => new Float64Array(x.numel())) : null,
  );
  for (let j = 0; j < n; j++) {
    for (const x of inputs) x.grad = null;
    const onehot = torch.zeros(out.shape, { dtype: out.dtype });
    onehot.reshape([-1]).select(0, j).fill_(1);
    out.backward(onehot, { retain_graph: true });
    inputs.forEach((x, i) => {
      const jac = jacs[i];
      // no .grad: this input does not influence the output (its row stays zero)
      if (jac && x.grad) jac[j]!.set(values(x.grad));
    });
  }
  return jacs;
}

/** Compares two Jacobians element by element with |a - n| <= atol + rtol |n|. */
export function compareJacobians(
  analytic: (Jacobian | null)[],
  numeric: (Jacobian | null)[],
  atol: number,
  rtol: number,
): GradcheckResult {
  let failure: string | null = null;
  let worst = 0;
  numeric.forEach((jn, i) => {
    const ja = analytic[i];
    if (!jn || !ja) return;
    jn.forEach((row, j) => {
      row.forEach((nv, k) => {
        const av = ja[j]![k]!;
        const tol = atol + rtol * Math.abs(nv);
        const ratio = Math.abs(av - nv) / tol;
        if (!(ratio <= worst)) worst = Number.isNaN(ratio) ? Number.POSITIVE_INFINITY : ratio;
        if (failure === null && !(ratio <= 1)) {
          failure = `input ${i}, output ${j}, element ${k}: autograd ${av} vs finite difference ${nv} (tolerance ${tol})`;
        }
      });
    });
  });
  return { failure, worst };
}

/**
 * PyTorch's gradcheck on float64 inputs: the analytical Jacobian against central differences.
 * Returns the comparison (and the numerical Jacobians, to reuse as a reference).
 */
export function gradcheck(
  f: (...xs: torch.Tensor[]) => torch.Tensor,
  inputs: torch.Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult & { numeric: (Jacobian | null)[] } {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, before } = options;
  for (const x of inputs) {
    if (x.requires_grad && x.dtype !== 'float64') {
      throw new TypeError(
        `gradcheck needs float64 inputs (got ${x.dtype}): float32 differences are too coarse`,
      );
    }
  }
  const numeric = numericalJacobians(f, inputs, eps, before);
  const analytic = analyticalJacobians(f, inputs, before);
  return { ...compareJacobians(analytic, numeric, atol, rtol), numeric };
}
