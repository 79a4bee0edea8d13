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
  maxPool2dForward(x: number, out: number, idx: number, desc: number, p0: number, p1: number): void;
  maxPool2dBackward(
    dy: number,
    idx: number,
    dx: number,
    HW: number,
    OHW: number,
    p0: number,
    p1: number,
  ): void;
  avgPool2dForward(
    x: number,
    out: number,
    desc: number,
    countIncludePad: number,
    divisorOverride: number,
    win: number,
    p0: number,
    p1: number,
  ): void;
  avgPool2dBackward(
    dy: number,
    dx: number,
    desc: number,
    countIncludePad: number,
    divisorOverride: number,
    win: number,
    p0: number,
    p1: number,
  ): void;
  batchNormForwardTrain(
    x: number,
    y: number,
    weight: number,
    bias: number,
    saveMean: number,
    saveInvstd: number,
    runningMean: number,
    runningVar: number,
    N: number,
    C: number,
    S: number,
    eps: number,
    factor: number,
    c0: number,
    c1: number,
  ): void;
  batchNormForwardEval(
    x: number,
    y: number,
    weight: number,
    bias: number,
    mean: number,
    variance: number,
    N: number,
    C: number,
    S: number,
    eps: number,
    c0: number,
    c1: number,
  ): void;
  batchNormBackward(
    dy: number,
    x: number,
    weight: number,
    mean: number,
    invstd: number,
    dx: number,
    dweight: number,
    dbias: number,
    N: number,
    C: number,
    S: number,
    training: number,
    c0: number,
    c1: number,
  ): void;
  softmaxForward(x: number, y: number, r: number, inner: number, log: number, o0: number, o1: number): void;
  softmaxBackward(
    dy: number,
    y: number,
    dx: number,
    r: number,
    inner: number,
    log: number,
    o0: number,
    o1: number,
  ): void;
  nllLossForward(
    logp: number,
    target: number,
    w: number,
    loss: number,
    weightOut: number,
    N: number,
    C: number,
    ignoreIndex: number,
  ): number;
  nllLossBackward(
    target: number,
    w: number,
    grad: number,
    dlogp: number,
    N: number,
    C: number,
    ignoreIndex: number,
  ): void;
  sgdStep(
    p: number,
    grad: number,
    buf: number,
    n: number,
    lr: number,
    momentum: number,
    oneMinusDampening: number,
    weightDecay: number,
    nesterov: number,
    maximize: number,
    first: number,
  ): void;
  adamStep(
    p: number,
    grad: number,
    m: number,
    v: number,
    vmax: number,
    n: number,
    w1: number,
    beta2: number,
    w2: number,
    eps: number,
    weightDecay: number,
    decay: number,
    negStepSize: number,
    bc2Sqrt: number,
    amsgrad: number,
    decoupled: number,
    maximize: number,
  ): void;
  convS1WorkspaceBytes(desc: number): number;
  conv2dForwardS1(
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
  conv2dWeightGradS1(x: number, dy: number, desc: number, n0: number, n1: number, ws: number): void;
  conv2dWeightGradS1Partial(desc: number, ws: number): number;
  conv2dWeightGradS1Fold(
    dw: number,
    desc: number,
    beta: number,
    first: number,
    stride: number,
    count: number,
  ): void;
  convFlipWeights(w: number, dst: number, Co: number, Cig: number, G: number, KH: number, KW: number): void;
  winogradWorkspaceBytes(desc: number): number;
  conv2dForwardWinograd(
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
  conv2dWeightGradWinograd(x: number, dy: number, desc: number, n0: number, n1: number, ws: number): void;
  winogradWeightGradPartial(desc: number, ws: number): number;
  conv2dWeightGradWinogradFold(
    dw: number,
    desc: number,
    beta: number,
    first: number,
    stride: number,
    count: number,
    tmp: number,
  ): void;
}
