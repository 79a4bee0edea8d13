/**
 * Second-order gradient check in the manner of PyTorch's `torch.autograd.gradgradcheck`, in float64.
 * For an op f, a fixed random output weighting r and a fixed random vector v, let
 *   G(x) = d/dx sum(f(x) * r)          (first-order gradients, one per input)
 *   S(x) = sum_i sum(G_i(x) * v_i)      (a scalar)
 * Autograd gives dS/dx by differentiating G computed with `create_graph` (double backward); the
 * reference is central differences of S, each S evaluated with plain first-order autograd:
 *   dS/dx_k ~ (S(x + eps e_k) - S(x - eps e_k)) / (2 eps).
 */
import * as torch from '../src/index.js';
import { seeded } from './cases.js';
import {
  compareJacobians,
  type GradcheckOptions,
  type GradcheckResult,
  type Jacobian,
  values,
} from './gradcheck.js';

/** Zeros where autograd reports an input unused (null). */
function orZeros(g: torch.Tensor | null, like: torch.Tensor): torch.Tensor {
  return g ?? torch.zeros_like(like);
}

/** Checks autograd's second derivatives of `f` against finite differences of its first derivatives. */
export function gradgradcheck(
  f: (...xs: torch.Tensor[]) => torch.Tensor,
  inputs: torch.Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, before } = options;
  const leaves = inputs.filter((x) => x.requires_grad);
  before?.();
  const shape = f(...inputs).shape;
  const r = torch
    .tensor(
      seeded(
        shape.reduce((a, b) => a * b, 1),
        101,
      ),
      { dtype: 'float64' },
    )
    .reshape([...shape]);
  const vs = leaves.map((x, i) =>
    torch.tensor(seeded(x.numel(), 202 + i), { dtype: 'float64' }).reshape([...x.shape]),
  );
  const firstOrder = (createGraph: boolean): torch.Tensor => {
    before?.();
    const out = f(...inputs);
    const grads = torch.autograd.grad(out.mul(r).sum(), leaves, {
      create_graph: createGraph,
      allow_unused: true,
    });
    return grads.map((g, i) => orZeros(g, leaves[i]!).mul(vs[i]!).sum()).reduce((a, b) => a.add(b));
  };
  const s = firstOrder(true);
  // S does not depend on x at all when every first derivative is constant (linear ops, relu...):
  // then autograd records nothing and the second derivatives are zero
  const analytic = leaves.map((x, i) => {
    if (!s.requires_grad) return [new Float64Array(x.numel())] as Jacobian;
    const [h] = torch.autograd.grad(s, [x], { retain_graph: i < leaves.length - 1, allow_unused: true });
    return [values(orZeros(h ?? null, x))] as Jacobian;
  });
  const numeric = leaves.map((x) => {
    const flat = x.data.reshape([-1]);
    const row = new Float64Array(x.numel());
    for (let k = 0; k < x.numel(); k++) {
      const element = flat.select(0, k);
      const orig = element.item();
      element.fill_(orig + eps);
      const plus = firstOrder(false).item();
      element.fill_(orig - eps);
      const minus = firstOrder(false).item();
      element.fill_(orig);
      row[k] = (plus - minus) / (2 * eps);
    }
    return [row] as Jacobian;
  });
  return compareJacobians(analytic, numeric, atol, rtol);
}
