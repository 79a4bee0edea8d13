/**
 * Thin QR factorisation by Householder reflections, in double precision, for `orthogonal_`.
 */

/**
 * The `Q` factor (m x n, orthonormal columns) of a full-column-rank m x n matrix `A` (m >= n,
 * row-major), with the signs PyTorch's `orthogonal_` fixes: column j of Q is multiplied by
 * `sign(R[j][j])`, which makes the factorisation unique and Q Haar-distributed when A is Gaussian
 * (Mezzadri 2007, "How to generate random matrices from the classical compact groups").
 *
 * Householder: for each column k, reflect rows k.. so that column k becomes `alpha e_k`; Q is the
 * product of the reflections applied to the first n columns of the identity.
 *
 * @example
 * ```ts
 * orthonormalColumns(Float64Array.of(3, 1, 4, 1, 5, 9), 3, 2); // 3 x 2, Q^T Q = I
 * ```
 */
export function orthonormalColumns(A: Float64Array, m: number, n: number): Float64Array {
  const R = Float64Array.from(A);
  const vs: Float64Array[] = [];
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += R[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const x0 = R[k * n + k]!;
    // alpha = -sign(x0) * ||x|| avoids cancellation in v = x - alpha e_k.
    const alpha = x0 >= 0 ? -norm : norm;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = R[i * n + k]!;
    v[0] = x0 - alpha;
    let vv = 0;
    for (const x of v) vv += x * x;
    vs.push(v);
    diag[k] = alpha;
    if (vv === 0) continue;
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * R[i * n + j]!;
      const f = (2 * dot) / vv;
      for (let i = k; i < m; i++) R[i * n + j] = R[i * n + j]! - f * v[i - k]!;
    }
  }
  // Q = H_0 H_1 ... H_{n-1} [I_n; 0], applied from the last reflection to the first.
  const Q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) Q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    let vv = 0;
    for (const x of v) vv += x * x;
    if (vv === 0) continue;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * Q[i * n + j]!;
      const f = (2 * dot) / vv;
      for (let i = k; i < m; i++) Q[i * n + j] = Q[i * n + j]! - f * v[i - k]!;
    }
  }
  for (let j = 0; j < n; j++) {
    const s = Math.sign(diag[j]!);
    for (let i = 0; i < m; i++) Q[i * n + j] = Q[i * n + j]! * s;
  }
  return Q;
}
