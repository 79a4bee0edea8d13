/** Raw signatures of the wasm module's exports (assembly/index.ts). Pointers are byte addresses. */
export interface KernelExports {
  heapBase(): number;
  gemmWorkspaceBytes(): number;
  unary(op: number, x: number, out: number, n: number, a: number, b: number): void;
  binary(op: number, x: number, y: number, out: number, n: number, alpha: number): void;
  unaryStrided(
    op: number,
    rank: number,
    meta: number,
    x: number,
    out: number,
    a: number,
    b: number,
    r0: number,
    r1: number,
  ): void;
  binaryStrided(
    op: number,
    rank: number,
    meta: number,
    x: number,
    y: number,
    out: number,
    alpha: number,
    r0: number,
    r1: number,
  ): void;
  copyStrided(
    elemBytes: number,
    rank: number,
    meta: number,
    src: number,
    dst: number,
    r0: number,
    r1: number,
  ): void;
  convert(op: number, src: number, dst: number, n: number): void;
  where(cond: number, x: number, y: number, out: number, n: number): void;
  reduce(op: number, x: number, out: number, r: number, inner: number, o0: number, o1: number): void;
  sgemm(
    transA: number,
    transB: number,
    M: number,
    N: number,
    K: number,
    alpha: number,
    a: number,
    lda: number,
    b: number,
    ldb: number,
    beta: number,
    c: number,
    ldc: number,
    bias: number,
    flags: number,
    ws: number,
  ): void;
  conv2dForward(
    x: number,
    w: number,
    bias: number,
    out: number,
    desc: number,
    flags: number,
    n0: number,
    n1: number,
    ws: number,
  ): void;
  conv2dWeightGrad(
    x: number,
    dy: number,
    dw: number,
    desc: number,
    beta: number,
    n0: number,
    n1: number,
    ws: number,
  ): void;
  conv2dInputGrad(w: number, dy: number, dx: number, desc: number, n0: number, n1: number, ws: number): void;
  conv2dInputGradWorkspaceBytes(desc: number): number;
  conv2dBiasGrad(dy: number, db: number, N: number, Co: number, Q: number): void;
}
