// Winograd F(2x2, 3x3) convolution for stride 1, dilation 1, 3x3 kernels, one group (Lavin & Gray,
// "Fast Algorithms for Convolutional Neural Networks", CVPR 2016, section 4). One 2x2 output tile of
// channel co comes from a 4x4 input patch d of every input channel ci:
//   Y = A^T [ sum_ci (G g G^T) ⊙ (B^T d B) ] A
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],  G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1],
//   A^T = [1 1 1 0; 0 1 -1 -1].
// With U = G g G^T (weights) and V = B^T d B (input) the sum over ci is, for each of the 16 points
// p = (i, j) of the 4x4 transform domain, a GEMM M_p[co, tile] = U_p[co, ci] V_p[ci, tile]: 16 GEMMs
// of 16 products each replace 36 products per tile and channel pair (2.25x fewer multiplications).
// The weight gradient follows from the chain rule through the same bilinear form:
//   dL/dM = A dY A^T (4x4 from the 2x2 output gradient), dL/dU_p = sum_tiles (dL/dM)_p V_p,
//   dg = G^T (dL/dU) G,
// i.e. per point a GEMM dU_p^T[ci, co] = V_p[ci, tile] (A dY A^T)_p[tile, co] with the tiles as its
// depth. Tiles reaching past the output (odd OH or OW) have a zero dY there, so they add nothing, and
// the zero padding of d is the conv's own padding: the result equals the direct conv's exactly in real
// arithmetic; in float32 it differs by rounding (within a few ulps of the sums, measured).
// The input gradient is the forward conv of dy with the flipped, channel-transposed weight (src/kernels.ts
// sets it up), so it runs through the forward kernel.
//
// Layout. Output tiles are numbered f = r*TR + c over TR = ceil(OW/2) + 1 tiles per tile row: one
// junk tile per row (its outputs are dropped, its output gradient is zero) makes the patch of tile f
// start at float 2f of two "phase planes", P_a[r*Wp + col] = xpad[2r + a][col] with Wp = 2*TR. Patch
// rows 0..3 are then P_0, P_1 at 2f and P_0, P_1 at Wp + 2f, so four consecutive tiles are four SIMD
// lanes whatever the tile row, and the transforms run on whole vectors (even/odd columns split by
// shuffles). Output and output gradient use the same phase layout, at 2f, without the +Wp rows.

import { addTile, align64, microRowsA } from './convs1';
import { D_CI, D_CO, D_H, D_OH, D_OW, D_PH, D_PW, D_W, field } from './descriptor';
import { FLAG_RELU, MR, NR, packB } from './gemm';
import { at } from './simd';

/** Tiles per forward GEMM panel: the microkernel's 16 columns. */
const PANEL = NR;
/**
 * Images per block: the tiles of a block's images are numbered one after the other, so GEMM panels
 * and depth blocks run across image boundaries instead of ending half empty at each image.
 */
const NB = 2;
/** Output channels per forward M block: its 16 points x CB x 16 tiles (17 KB) stay in L1. */
const CB = 16;
/** Tiles per weight-gradient depth block (a multiple of 4; its V and A dY A^T blocks stay in L2). */
const KB = 64;
/** Floats of the 2 x 16 microkernel tile. */
const TILE = MR * NR;
/**
 * Extra floats between the 16 per-point blocks of a transform's output: the transforms read or write
 * 16 streams at once, and blocks a multiple of 4 KiB apart would alias in the L1 cache.
 */
const SKEW = 16;

/** Tile rows TH = ceil(OH/2). */
function tileRows(d: usize): i32 {
  return (field(d, D_OH) + 1) >> 1;
}

/** Row width Wp of the phase planes: 2 * (ceil(OW/2) + 1), i.e. TR = Wp/2 tiles per row. */
function rowWidth(d: usize): i32 {
  return 2 * ((field(d, D_OW) + 1) >> 1) + 2;
}

/** Tiles per image, junk tiles included, rounded up to whole groups of four (lanes). */
function tileCount(d: usize): i32 {
  return roundUp(tileRows(d) * (rowWidth(d) >> 1), 4);
}

function roundUp(n: i32, m: i32): i32 {
  return ((n + m - 1) / m) * m;
}

/**
 * Floats of one phase plane: TH + 1 rows of Wp, plus room for the reads of the last group's junk
 * tiles (tile f < NT reads up to float Wp + 2f + 9).
 */
function phaseFloats(d: usize): i32 {
  return roundUp(2 * tileCount(d) + rowWidth(d) + 12, 16);
}

/** Bytes of `n` floats rounded to a cache line. */
function fl(n: i32): usize {
  return align64((<usize>n) << 2);
}

// ---- transforms of four tiles at once (lanes = tiles f..f+3) ----

/** Splits columns 2f.. of two vectors (c0..c3, c4..c7) into even (c0 c2 c4 c6) and odd columns. */
function evens(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 0, 2, 4, 6);
}
function odds(a: v128, b: v128): v128 {
  return v128.shuffle<f32>(a, b, 1, 3, 5, 7);
}

/**
 * One row of B^T d B: given a row t of B^T d (columns 2f..2f+9 loaded as t at 2f, 2f+4, 2f+2, 2f+6),
 * stores t B = (t0 - t2, t1 + t2, t2 - t1, t1 - t3) per tile at dst, dst + ps, dst + 2ps, dst + 3ps.
 */
function inputRow(a: v128, b: v128, c: v128, e: v128, dst: usize, ps: usize): void {
  const t0 = evens(a, b);
  const t1 = odds(a, b);
  const t2 = evens(c, e);
  const t3 = odds(c, e);
  v128.store(dst, f32x4.sub(t0, t2));
  v128.store(dst + ps, f32x4.add(t1, t2));
  v128.store(dst + 2 * ps, f32x4.sub(t2, t1));
  v128.store(dst + 3 * ps, f32x4.sub(t1, t3));
}

/**
 * V = B^T d B for tiles f..f+3 of one channel whose phase planes are p0 and p1 (Wp floats per row):
 * point p = 4i + j goes to dst + p*ps bytes (four floats, one per tile). B^T's rows combine patch rows
 * (d0 - d2, d1 + d2, d2 - d1, d1 - d3); the loads at 2f+2 and 2f+6 give the columns shifted by one tile.
 */
export function inputTiles4(p0: usize, p1: usize, wp: i32, f: i32, dst: usize, ps: usize): void {
  const o = (<usize>(2 * f)) << 2;
  const r0 = p0 + o;
  const r1 = p1 + o;
  const r2 = r0 + ((<usize>wp) << 2);
  const r3 = r1 + ((<usize>wp) << 2);
  const ps4 = ps << 2;
  // Row 0 of B^T d: d0 - d2.
  inputRow(
    f32x4.sub(v128.load(r0), v128.load(r2)),
    f32x4.sub(v128.load(r0, 16), v128.load(r2, 16)),
    f32x4.sub(v128.load(r0, 8), v128.load(r2, 8)),
    f32x4.sub(v128.load(r0, 24), v128.load(r2, 24)),
    dst,
    ps,
  );
  // Row 1: d1 + d2.
  inputRow(
    f32x4.add(v128.load(r1), v128.load(r2)),
    f32x4.add(v128.load(r1, 16), v128.load(r2, 16)),
    f32x4.add(v128.load(r1, 8), v128.load(r2, 8)),
    f32x4.add(v128.load(r1, 24), v128.load(r2, 24)),
    dst + ps4,
    ps,
  );
  // Row 2: d2 - d1.
  inputRow(
    f32x4.sub(v128.load(r2), v128.load(r1)),
    f32x4.sub(v128.load(r2, 16), v128.load(r1, 16)),
    f32x4.sub(v128.load(r2, 8), v128.load(r1, 8)),
    f32x4.sub(v128.load(r2, 24), v128.load(r1, 24)),
    dst + 2 * ps4,
    ps,
  );
  // Row 3: d1 - d3.
  inputRow(
    f32x4.sub(v128.load(r1), v128.load(r3)),
    f32x4.sub(v128.load(r1, 16), v128.load(r3, 16)),
    f32x4.sub(v128.load(r1, 8), v128.load(r3, 8)),
    f32x4.sub(v128.load(r1, 24), v128.load(r3, 24)),
    dst + 3 * ps4,
    ps,
  );
}

/** One row of m A: (m0 + m1 + m2, m1 - m2 - m3) for the row of points starting at src (stride ps). */
function zRow0(src: usize, ps: usize): v128 {
  return f32x4.add(f32x4.add(v128.load(src), v128.load(src + ps)), v128.load(src + 2 * ps));
}
function zRow1(src: usize, ps: usize): v128 {
  return f32x4.sub(f32x4.sub(v128.load(src + ps), v128.load(src + 2 * ps)), v128.load(src + 3 * ps));
}

/**
 * Y = A^T m A for tiles f..f+3 (point p of m at src + p*ps bytes), stored to the output phase planes
 * o0 (even output rows) and o1 (odd rows) at floats 2f..2f+7, columns interleaved back in order.
 */
export function outputTiles4(src: usize, ps: usize, o0: usize, o1: usize, f: i32): void {
  const row = ps << 2;
  // Z = m A: two columns per row i of m.
  const z00 = zRow0(src, ps);
  const z01 = zRow1(src, ps);
  const z10 = zRow0(src + row, ps);
  const z11 = zRow1(src + row, ps);
  const z20 = zRow0(src + 2 * row, ps);
  const z21 = zRow1(src + 2 * row, ps);
  const z30 = zRow0(src + 3 * row, ps);
  const z31 = zRow1(src + 3 * row, ps);
  // Y = A^T Z: rows z0 + z1 + z2 and z1 - z2 - z3.
  const y00 = f32x4.add(f32x4.add(z00, z10), z20);
  const y01 = f32x4.add(f32x4.add(z01, z11), z21);
  const y10 = f32x4.sub(f32x4.sub(z10, z20), z30);
  const y11 = f32x4.sub(f32x4.sub(z11, z21), z31);
  const o = (<usize>(2 * f)) << 2;
  v128.store(o0 + o, v128.shuffle<f32>(y00, y01, 0, 4, 1, 5));
  v128.store(o0 + o, v128.shuffle<f32>(y00, y01, 2, 6, 3, 7), 16);
  v128.store(o1 + o, v128.shuffle<f32>(y10, y11, 0, 4, 1, 5));
  v128.store(o1 + o, v128.shuffle<f32>(y10, y11, 2, 6, 3, 7), 16);
}

/** One row w of A dY (two columns u, v) times A^T: (u, u + v, u - v, -v) at dst + j*ps. */
function gradRow(u: v128, v: v128, dst: usize, ps: usize): void {
  v128.store(dst, u);
  v128.store(dst + ps, f32x4.add(u, v));
  v128.store(dst + 2 * ps, f32x4.sub(u, v));
  v128.store(dst + 3 * ps, f32x4.neg(v));
}

/**
 * A dY A^T for tiles f..f+3 of one output channel whose gradient phase planes are e0 (even rows) and
 * e1 (odd rows): point p at dst + p*ps bytes. A's rows combine the two output rows as
 * (y0, y0 + y1, y0 - y1, -y1).
 */
export function gradTiles4(e0: usize, e1: usize, f: i32, dst: usize, ps: usize): void {
  const o = (<usize>(2 * f)) << 2;
  const a0 = v128.load(e0 + o);
  const b0 = v128.load(e0 + o, 16);
  const a1 = v128.load(e1 + o);
  const b1 = v128.load(e1 + o, 16);
  const y00 = evens(a0, b0);
  const y01 = odds(a0, b0);
  const y10 = evens(a1, b1);
  const y11 = odds(a1, b1);
  const row = ps << 2;
  gradRow(y00, y01, dst, ps);
  gradRow(f32x4.add(y00, y10), f32x4.add(y01, y11), dst + row, ps);
  gradRow(f32x4.sub(y00, y10), f32x4.sub(y01, y11), dst + 2 * row, ps);
  gradRow(f32x4.neg(y10), f32x4.neg(y11), dst + 3 * row, ps);
}

// ---- weight transforms (scalar, once per call) ----

/** G (a, b, c)^T = (a, (a + b + c)/2, (a - b + c)/2, c), stored at dst + k*stride bytes. */
function gStore(a: f32, b: f32, c: f32, dst: usize, stride: usize): void {
  const h: f32 = 0.5;
  store<f32>(dst, a);
  store<f32>(dst + stride, h * (a + b + c));
  store<f32>(dst + 2 * stride, h * (a - b + c));
  store<f32>(dst + 3 * stride, c);
}

/** G^T (a, b, c, e)^T = (a + (b + c)/2, (b - c)/2, (b + c)/2 + e), stored at dst + k*stride bytes. */
function gtStore(a: f32, b: f32, c: f32, e: f32, dst: usize, stride: usize): void {
  const h: f32 = 0.5;
  store<f32>(dst, a + h * (b + c));
  store<f32>(dst + stride, h * (b - c));
  store<f32>(dst + 2 * stride, h * (b + c) + e);
}

/**
 * U = G g G^T for every (co, ci), written as 16 GEMM A operands U_p[co][ci] (rows of Ci floats, plus
 * a zero row when Co is odd), U_p at u + p*CoP*Ci floats. tmp: 12 floats of scratch for G g.
 */
function transformWeights(w: usize, Co: i32, Ci: i32, u: usize, tmp: usize): void {
  const CoP = (Co + 1) & ~1;
  const ps = (<usize>(CoP * Ci)) << 2;
  memory.fill(u, 0, 16 * ps);
  for (let co = 0; co < Co; co++) {
    for (let ci = 0; ci < Ci; ci++) {
      const g = at(w, (co * Ci + ci) * 9);
      // Columns of g through G: (G g)[i][k] at tmp[3i + k].
      for (let k = 0; k < 3; k++) {
        gStore(load<f32>(at(g, k)), load<f32>(at(g, 3 + k)), load<f32>(at(g, 6 + k)), at(tmp, k), 12);
      }
      // Rows of G g through G: U[i][j] = point p = 4i + j.
      const dst = at(u, co * Ci + ci);
      for (let i = 0; i < 4; i++) {
        const r = at(tmp, 3 * i);
        gStore(load<f32>(r), load<f32>(r, 4), load<f32>(r, 8), dst + 4 * i * ps, ps);
      }
    }
  }
}

// ---- phase planes ----

/**
 * Copies C planes of H x W at src into phase planes (two per channel, PS floats each, already zeroed
 * outside the copied region): image row h, column w goes to padded row i = h + ph, column pw + w, i.e.
 * plane 2c + (i & 1), float (i >> 1)*Wp + pw + w. Rows i >= maxRows and columns >= Wp are not needed.
 */
function toPhases(
  src: usize,
  C: i32,
  H: i32,
  W: i32,
  ph: i32,
  pw: i32,
  Wp: i32,
  PS: i32,
  maxRows: i32,
  dst: usize,
): void {
  const n = (<usize>min(W, Wp - pw)) << 2;
  const hEnd = min(H, maxRows - ph);
  for (let c = 0; c < C; c++) {
    for (let h = 0; h < hEnd; h++) {
      const i = h + ph;
      memory.copy(at(dst, (2 * c + (i & 1)) * PS + (i >> 1) * Wp + pw), at(src, (c * H + h) * W), n);
    }
  }
}

/**
 * The inverse of toPhases without padding, plus the forward's epilogue: dst[c, h, w] =
 * relu?(src phase value + bias[c]) for h < H, w < W.
 */
function fromPhases(
  src: usize,
  C: i32,
  H: i32,
  W: i32,
  Wp: i32,
  PS: i32,
  bias: usize,
  relu: bool,
  dst: usize,
): void {
  const zero = f32x4.splat(0);
  for (let c = 0; c < C; c++) {
    const b: f32 = bias ? load<f32>(at(bias, c)) : 0;
    const vb = f32x4.splat(b);
    for (let h = 0; h < H; h++) {
      const s = at(src, (2 * c + (h & 1)) * PS + (h >> 1) * Wp);
      const o = at(dst, (c * H + h) * W);
      let w = 0;
      for (; w + 4 <= W; w += 4) {
        let v = f32x4.add(v128.load(at(s, w)), vb);
        if (relu) v = f32x4.max(v, zero);
        v128.store(at(o, w), v);
      }
      for (; w < W; w++) {
        let v = load<f32>(at(s, w)) + b;
        if (relu) v = max<f32>(v, 0);
        store<f32>(at(o, w), v);
      }
    }
  }
}

/** Floats of one image's phase planes with C channels (two planes per channel). */
function imagePhaseFloats(d: usize, C: i32): i32 {
  return C * 2 * phaseFloats(d);
}

/** Copies image x (Ci planes) into zero-padded input phase planes. */
function inputToPhases(x: usize, d: usize, xph: usize): void {
  toPhases(
    x,
    field(d, D_CI),
    field(d, D_H),
    field(d, D_W),
    field(d, D_PH),
    field(d, D_PW),
    rowWidth(d),
    phaseFloats(d),
    2 * tileRows(d) + 2,
    xph,
  );
}

/**
 * V for block tiles [g0, g0 + count) (count a multiple of 4) of every channel: V_p[ci][t] at
 * dst + p*pstride + ci*ld + t floats. Block tile g is tile g % NT of image g / NT, whose phase planes
 * are the (g / NT)-th image's at xph; tiles of images at or past nb are left as they were.
 */
function transformInput(
  xph: usize,
  d: usize,
  g0: i32,
  count: i32,
  nb: i32,
  dst: usize,
  ld: i32,
  pstride: i32,
): void {
  const Ci = field(d, D_CI);
  const PS = phaseFloats(d);
  const Wp = rowWidth(d);
  const NT = tileCount(d);
  const ps = (<usize>pstride) << 2;
  for (let t = 0; t < count; t += 4) {
    const img = (g0 + t) / NT;
    if (img >= nb) break;
    const f = g0 + t - img * NT;
    const planes = at(xph, img * imagePhaseFloats(d, Ci));
    for (let ci = 0; ci < Ci; ci++) {
      const p0 = at(planes, 2 * ci * PS);
      inputTiles4(p0, at(p0, PS), Wp, f, at(dst, ci * ld + t), ps);
    }
  }
}

// ---- forward ----

/** Forward workspace, in order: U, input phases, V panel, M panel, output phases. */
function fwdU(ws: usize): usize {
  return ws;
}
function fwdX(ws: usize, d: usize): usize {
  const CoP = (field(d, D_CO) + 1) & ~1;
  return fwdU(ws) + fl(16 * CoP * field(d, D_CI));
}
function fwdV(ws: usize, d: usize): usize {
  return fwdX(ws, d) + fl(NB * imagePhaseFloats(d, field(d, D_CI)));
}
function fwdM(ws: usize, d: usize): usize {
  return fwdV(ws, d) + fl(16 * fwdVStride(d));
}
/** Floats from one point's V panel (Ci x 16) to the next. */
function fwdVStride(d: usize): i32 {
  return field(d, D_CI) * PANEL + SKEW;
}
/** Floats from one point's M panel (CB x 16) to the next. */
function fwdMStride(): i32 {
  return CB * PANEL + SKEW;
}
function fwdO(ws: usize, d: usize): usize {
  return fwdM(ws, d) + fl(16 * fwdMStride());
}
function fwdEnd(ws: usize, d: usize): usize {
  return fwdO(ws, d) + fl(NB * imagePhaseFloats(d, field(d, D_CO)));
}

// ---- weight gradient ----

/** Weight-gradient workspace, in order: input phases, dy phases, V block, A dY A^T block, packed B, dU^T partial, tile. */
function wgX(ws: usize): usize {
  return ws;
}
function wgY(ws: usize, d: usize): usize {
  return wgX(ws) + fl(NB * imagePhaseFloats(d, field(d, D_CI)));
}
function wgV(ws: usize, d: usize): usize {
  return wgY(ws, d) + fl(NB * imagePhaseFloats(d, field(d, D_CO)));
}
function wgDy(ws: usize, d: usize): usize {
  return wgV(ws, d) + fl(16 * (field(d, D_CI) * KB + SKEW));
}
function wgPacked(ws: usize, d: usize): usize {
  return wgDy(ws, d) + fl(16 * (field(d, D_CO) * KB + SKEW));
}
/** Where conv2dWeightGradWinograd leaves its partial dU^T, laid out [16][Ci][CoP16]. */
export function winogradWeightGradPartial(d: usize, ws: usize): usize {
  return wgPacked(ws, d) + fl(roundUp(field(d, D_CO), NR) * KB);
}
function wgTile(ws: usize, d: usize): usize {
  return winogradWeightGradPartial(d, ws) + fl(16 * field(d, D_CI) * roundUp(field(d, D_CO), NR));
}

/** Workspace bytes per thread for either Winograd kernel (the larger of the two layouts). */
export function winogradWorkspaceBytes(d: usize): usize {
  return max(fwdEnd(0, d), wgTile(0, d) + fl(TILE));
}

/**
 * Forward Winograd conv for images [n0, n1): out = relu?(conv(x, w) + bias). Requires a 3x3 kernel,
 * stride 1, dilation 1, groups 1; ws: winogradWorkspaceBytes(d). Per image: the input goes into phase
 * planes; per panel of 16 tiles: V (16 x Ci x 16), then 16 GEMMs M_p = U_p V_p (Co x 16, depth Ci) with
 * the SIMD microkernel, then A^T M A into the output phase planes; finally bias, ReLU and the crop to
 * OH x OW write out.
 */
export function conv2dForwardWinograd(
  x: usize,
  w: usize,
  bias: usize,
  out: usize,
  d: usize,
  flags: i32,
  n0: i32,
  n1: i32,
  ws: usize,
): void {
  const Ci = field(d, D_CI);
  const Co = field(d, D_CO);
  const CoP = (Co + 1) & ~1;
  const H = field(d, D_H);
  const W = field(d, D_W);
  const OH = field(d, D_OH);
  const OW = field(d, D_OW);
  const Wp = rowWidth(d);
  const PS = phaseFloats(d);
  const NT = tileCount(d);
  const XI = imagePhaseFloats(d, Ci);
  const OI = imagePhaseFloats(d, Co);
  const relu = (flags & FLAG_RELU) !== 0;
  const u = fwdU(ws);
  const xph = fwdX(ws, d);
  const v = fwdV(ws, d);
  const m = fwdM(ws, d);
  const oph = fwdO(ws, d);
  const vs = fwdVStride(d);
  const ms = fwdMStride();
  transformWeights(w, Co, Ci, u, v);
  // Zero padding of the phase planes, and finite values in the unused columns of a block's last panel
  // (GEMM columns are independent, and those tiles' outputs are never read, but NaN garbage would be).
  memory.fill(xph, 0, (<usize>(NB * XI)) << 2);
  memory.fill(v, 0, (<usize>(16 * vs)) << 2); // after transformWeights, which borrowed it as scratch
  for (let b0 = n0; b0 < n1; b0 += NB) {
    const nb = min(NB, n1 - b0);
    for (let j = 0; j < nb; j++) inputToPhases(at(x, (b0 + j) * Ci * H * W), d, at(xph, j * XI));
    for (let f0 = 0; f0 < nb * NT; f0 += PANEL) {
      transformInput(xph, d, f0, PANEL, nb, v, PANEL, vs);
      for (let c0 = 0; c0 < Co; c0 += CB) {
        const cb = min(CB, Co - c0);
        for (let p = 0; p < 16; p++) {
          // M_p rows co, co + 1 (16 floats each) are exactly the microkernel's 2 x 16 tile.
          const up = at(u, p * CoP * Ci);
          const vp = at(v, p * vs);
          const mp = at(m, p * ms - c0 * PANEL);
          for (let co = c0; co < c0 + cb; co += MR)
            microRowsA(Ci, at(up, co * Ci), at(up, (co + 1) * Ci), vp, at(mp, co * PANEL));
        }
        for (let t = 0; t < PANEL; t += 4) {
          const img = (f0 + t) / NT;
          if (img >= nb) break;
          const planes = at(oph, img * OI);
          for (let co = c0; co < c0 + cb; co++) {
            const o0 = at(planes, 2 * co * PS);
            const src = at(m, (co - c0) * PANEL + t);
            outputTiles4(src, (<usize>ms) << 2, o0, at(o0, PS), f0 + t - img * NT);
          }
        }
      }
    }
    for (let j = 0; j < nb; j++) {
      fromPhases(at(oph, j * OI), Co, OH, OW, Wp, PS, bias, relu, at(out, (b0 + j) * Co * OH * OW));
    }
  }
}

/**
 * Winograd weight gradient over images [n0, n1) into this thread's partial dU^T[p][ci][co] (see
 * winogradWeightGradPartial); conv2dWeightGradWinogradFold sums the partials and applies G^T . G.
 * Per image and block of KB tiles: V_p[ci][t] and (A dY A^T)_p[co][t], then per point p the GEMM
 * dU_p^T += V_p (A dY A^T)_p^T over the block's tiles (the 2 x 16 microkernel reads V's rows directly).
 */
export function conv2dWeightGradWinograd(x: usize, dy: usize, d: usize, n0: i32, n1: i32, ws: usize): void {
  const Ci = field(d, D_CI);
  const Co = field(d, D_CO);
  const CoP16 = roundUp(Co, NR);
  const H = field(d, D_H);
  const W = field(d, D_W);
  const OH = field(d, D_OH);
  const OW = field(d, D_OW);
  const Wp = rowWidth(d);
  const PS = phaseFloats(d);
  const NT = tileCount(d);
  const XI = imagePhaseFloats(d, Ci);
  const YI = imagePhaseFloats(d, Co);
  const xph = wgX(ws);
  const yph = wgY(ws, d);
  const v = wgV(ws, d);
  const gy = wgDy(ws, d);
  const pb = wgPacked(ws, d);
  const acc = winogradWeightGradPartial(d, ws);
  const tile = wgTile(ws, d);
  memory.fill(xph, 0, (<usize>(NB * XI)) << 2);
  memory.fill(yph, 0, (<usize>(NB * YI)) << 2);
  memory.fill(acc, 0, (<usize>(16 * Ci * CoP16)) << 2);
  for (let b0 = n0; b0 < n1; b0 += NB) {
    const nb = min(NB, n1 - b0);
    for (let j = 0; j < nb; j++) {
      inputToPhases(at(x, (b0 + j) * Ci * H * W), d, at(xph, j * XI));
      // dy rows at or past OH and columns at or past OW stay zero, so junk tiles contribute nothing.
      toPhases(at(dy, (b0 + j) * Co * OH * OW), Co, OH, OW, 0, 0, Wp, PS, 2 * tileRows(d), at(yph, j * YI));
    }
    for (let f0 = 0; f0 < nb * NT; f0 += KB) {
      const kc = min(KB, nb * NT - f0);
      const vs = Ci * kc + SKEW;
      const gs = Co * kc + SKEW;
      transformInput(xph, d, f0, kc, nb, v, kc, vs);
      const gps = (<usize>gs) << 2;
      for (let t = 0; t < kc; t += 4) {
        const img = (f0 + t) / NT;
        const planes = at(yph, img * YI);
        for (let co = 0; co < Co; co++) {
          const e0 = at(planes, 2 * co * PS);
          gradTiles4(e0, at(e0, PS), f0 + t - img * NT, at(gy, co * kc + t), gps);
        }
      }
      for (let p = 0; p < 16; p++) {
        // B(t, co) = (A dY A^T)_p[co][t]: packB's transposed path, 16 channels per panel.
        packB(kc, Co, at(gy, p * gs), 1, kc, pb);
        const vp = at(v, p * vs);
        const accp = at(acc, p * Ci * CoP16);
        for (let jp = 0; jp < CoP16; jp += NR) {
          const panel = at(pb, jp * kc);
          for (let ci = 0; ci < Ci; ci += MR) {
            const a0 = at(vp, ci * kc);
            microRowsA(kc, a0, ci + 1 < Ci ? at(a0, kc) : a0, panel, tile);
            addTile(tile, min(MR, Ci - ci), at(accp, ci * CoP16 + jp), CoP16);
          }
        }
      }
    }
  }
}

/**
 * dw[co, ci] = beta*dw + G^T D G with D = the sum of the `count` partials dU[co, ci] (4x4), the
 * partials `stride` bytes apart from `first`. tmp: 48 floats of scratch.
 */
export function conv2dWeightGradWinogradFold(
  dw: usize,
  d: usize,
  beta: f32,
  first: usize,
  stride: usize,
  count: i32,
  tmp: usize,
): void {
  const Ci = field(d, D_CI);
  const Co = field(d, D_CO);
  const CoP16 = roundUp(Co, NR);
  const sum = tmp; // D, 16 floats
  const half = at(tmp, 16); // G^T D, 12 floats
  const dg = at(tmp, 32); // G^T D G, 9 floats
  for (let co = 0; co < Co; co++) {
    for (let ci = 0; ci < Ci; ci++) {
      for (let p = 0; p < 16; p++) {
        let s: f32 = 0;
        for (let t = 0; t < count; t++)
          s += load<f32>(at(first + <usize>t * stride, (p * Ci + ci) * CoP16 + co));
        store<f32>(at(sum, p), s);
      }
      // Columns of D through G^T: (G^T D)[k][j] at half[4k + j].
      for (let j = 0; j < 4; j++) {
        const c = at(sum, j);
        gtStore(load<f32>(c), load<f32>(c, 16), load<f32>(c, 32), load<f32>(c, 48), at(half, j), 16);
      }
      // Rows of G^T D through G^T (i.e. times G on the right): dg[k][l] at dg[3k + l].
      for (let k = 0; k < 3; k++) {
        const r = at(half, 4 * k);
        gtStore(load<f32>(r), load<f32>(r, 4), load<f32>(r, 8), load<f32>(r, 12), at(dg, 3 * k), 4);
      }
      const o = at(dw, (co * Ci + ci) * 9);
      for (let q = 0; q < 9; q++) {
        const s = load<f32>(at(dg, q));
        store<f32>(at(o, q), beta === 0 ? s : beta * load<f32>(at(o, q)) + s);
      }
    }
  }
}
