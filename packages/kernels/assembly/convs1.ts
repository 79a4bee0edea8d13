// Stride-1 convolutions as implicit GEMMs over a zero-padded copy of each image, with no packing of
// the im2col operand at all. With the image padded to rows of Wp floats and output positions numbered
// over that width, q' = oh*Wp + ow, every im2col row is a contiguous slice of the padded image:
//   col(p, q') = xpad[off[p] + q'],  off[p] = ci*PS + kh*dh*Wp + kw*dw  (PS: padded plane size).
// Rows share their padding: the pw zeros before row r+1 are also the ones after row r, so Wp = W + pw
// (when pw <= dw(KW-1), i.e. the output is no wider than the input) and each plane gets pw extra zeros.
// So the microkernel reads B straight from xpad through an offset table. Columns with ow >= OW are
// junk (they wrap into the next row) and are dropped when storing; that costs (Wp - OW)/Wp extra work.
// The input gradient of a stride-1 conv is itself a stride-1 conv (of dy with the flipped, transposed
// weight, padding d(K-1) - p), so it runs through the same forward kernel (src/kernels.ts sets it up).

import {
  D_CI,
  D_CO,
  D_DH,
  D_DW,
  D_GROUPS,
  D_H,
  D_KH,
  D_KW,
  D_OH,
  D_OW,
  D_PH,
  D_PW,
  D_W,
  field,
} from './descriptor';
import { FLAG_RELU, MR, NR, packA } from './gemm';
import { at, madd } from './simd';

/** Depth block of the weight gradient (its B panel, KCW x 16 floats, stays in L1). */
const KCW = 256;

/** Row stride of the padded image: W + pw when rows can share their padding, else W + 2pw. */
function paddedWidth(d: usize): i32 {
  const pw = field(d, D_PW);
  const W = field(d, D_W);
  return pw <= (field(d, D_KW) - 1) * field(d, D_DW) ? W + pw : W + 2 * pw;
}

/** Floats of one padded plane: Hp rows of Wp, plus pw zeros after the last row's data. */
function planeFloats(d: usize): i32 {
  return (field(d, D_H) + 2 * field(d, D_PH)) * paddedWidth(d) + field(d, D_PW);
}

/** Floats of one padded image group, plus a zero tail for the reads of the last junk columns. */
function xpadFloats(d: usize): i32 {
  const Cig = field(d, D_CI) / field(d, D_GROUPS);
  return Cig * planeFloats(d) + (field(d, D_KW) - 1) * field(d, D_DW) + NR;
}

function rows(d: usize): i32 {
  return (field(d, D_CI) / field(d, D_GROUPS)) * field(d, D_KH) * field(d, D_KW);
}

/** Padded-width output columns Q' = OH * Wp, rounded up to whole panels. */
function qPad(d: usize): i32 {
  return (field(d, D_OH) * paddedWidth(d) + NR - 1) & ~(NR - 1);
}

/** `n` bytes rounded up to a whole 64-byte cache line. */
export function align64(n: usize): usize {
  return (n + 63) & ~(<usize>63);
}

/** Workspace bytes per thread: xpad, offsets, packed operand, dW^T partial (weight grad) and a tile. */
export function convS1WorkspaceBytes(d: usize): usize {
  const P = rows(d);
  const Co = field(d, D_CO);
  const Cog = Co / field(d, D_GROUPS);
  const G = field(d, D_GROUPS);
  const packedW = <usize>(G * ((Cog + MR - 1) & ~(MR - 1)) * P);
  const cbuf = <usize>(((Cog + MR - 1) & ~(MR - 1)) * qPad(d));
  const packedDy = <usize>(((Cog + NR - 1) & ~(NR - 1)) * KCW);
  const dwT = <usize>(G * P * ((Cog + NR - 1) & ~(NR - 1)));
  return (
    align64((<usize>xpadFloats(d)) << 2) +
    align64((<usize>P) << 2) +
    align64(max(packedW + cbuf, packedDy + dwT) << 2) +
    align64(MR * NR * 4)
  );
}

function wsXpad(ws: usize): usize {
  return ws;
}
function wsOffsets(ws: usize, d: usize): usize {
  return ws + align64((<usize>xpadFloats(d)) << 2);
}
function wsPacked(ws: usize, d: usize): usize {
  return wsOffsets(ws, d) + align64((<usize>rows(d)) << 2);
}
function wsTileS1(ws: usize, d: usize): usize {
  return ws + convS1WorkspaceBytes(d) - align64(MR * NR * 4);
}

/** off[p] for p = (ci*KH + kh)*KW + kw, in floats. */
function fillOffsets(d: usize, offs: usize): void {
  const Cig = field(d, D_CI) / field(d, D_GROUPS);
  const KH = field(d, D_KH);
  const KW = field(d, D_KW);
  const Wp = paddedWidth(d);
  const PS = planeFloats(d);
  let p = 0;
  for (let ci = 0; ci < Cig; ci++) {
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        store<i32>(at(offs, p), ci * PS + kh * field(d, D_DH) * Wp + kw * field(d, D_DW));
        p++;
      }
    }
  }
}

/** Copies the Cig planes at x into the interior of xpad (whose border and tail are already zero). */
function padImage(x: usize, d: usize, xpad: usize): void {
  const Cig = field(d, D_CI) / field(d, D_GROUPS);
  const H = field(d, D_H);
  const W = field(d, D_W);
  const ph = field(d, D_PH);
  const pw = field(d, D_PW);
  const Wp = paddedWidth(d);
  const PS = planeFloats(d);
  const rowBytes = (<usize>W) << 2;
  for (let c = 0; c < Cig; c++) {
    for (let h = 0; h < H; h++) {
      memory.copy(at(xpad, c * PS + (h + ph) * Wp + pw), at(x, (c * H + h) * W), rowBytes);
    }
  }
}

/**
 * 2 x 16 tile over kc steps: A packed (2 floats per step), B row k at xb + off[k] floats; rows of the
 * result go to c0 and c1.
 */
function microOffsetB(kc: i32, pa: usize, xb: usize, offs: usize, c0: usize, c1: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c02 = f32x4.splat(0);
  let c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c12 = f32x4.splat(0);
  let c13 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const pb = xb + ((<usize>load<i32>(offs)) << 2);
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const b2 = v128.load(pb, 32);
    const b3 = v128.load(pb, 48);
    const a0 = v128.load32_splat(pa);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    c02 = madd(a0, b2, c02);
    c03 = madd(a0, b3, c03);
    const a1 = v128.load32_splat(pa, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    c12 = madd(a1, b2, c12);
    c13 = madd(a1, b3, c13);
    pa += MR * 4;
    offs += 4;
  }
  v128.store(c0, c00);
  v128.store(c0, c01, 16);
  v128.store(c0, c02, 32);
  v128.store(c0, c03, 48);
  v128.store(c1, c10);
  v128.store(c1, c11, 16);
  v128.store(c1, c12, 32);
  v128.store(c1, c13, 48);
}

/** 2 x 16 tile over kc steps: A rows read directly at a0/a1 (one float per step), B packed. */
export function microRowsA(kc: i32, a0p: usize, a1p: usize, pb: usize, tile: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c02 = f32x4.splat(0);
  let c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c12 = f32x4.splat(0);
  let c13 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const b2 = v128.load(pb, 32);
    const b3 = v128.load(pb, 48);
    const a0 = v128.load32_splat(a0p);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    c02 = madd(a0, b2, c02);
    c03 = madd(a0, b3, c03);
    const a1 = v128.load32_splat(a1p);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    c12 = madd(a1, b2, c12);
    c13 = madd(a1, b3, c13);
    a0p += 4;
    a1p += 4;
    pb += NR * 4;
  }
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c02, 32);
  v128.store(tile, c03, 48);
  v128.store(tile, c10, 64);
  v128.store(tile, c11, 80);
  v128.store(tile, c12, 96);
  v128.store(tile, c13, 112);
}

/** Adds the first mr rows of a 2 x 16 tile (from microRowsA) into rows of 16 floats, ld floats apart. */
export function addTile(tile: usize, mr: i32, dst: usize, ld: i32): void {
  for (let i = 0; i < mr; i++) {
    const row = at(dst, i * ld);
    for (let j = 0; j < NR; j += 4) {
      v128.store(at(row, j), f32x4.add(v128.load(at(row, j)), v128.load(at(tile, i * NR + j))));
    }
  }
}

/**
 * One weight-gradient B panel: dst[k*16 + j] = dy[j, q'] for q' = k0 + k (0 for junk columns
 * ow >= OW and for channels j >= nj). dy rows are Q floats apart; q' runs over the padded width Wp.
 */
function packDyPanel(dy: usize, nj: i32, Q: i32, OW: i32, Wp: i32, k0: i32, kc: i32, dst: usize): void {
  for (let j = 0; j < NR; j += 4) {
    const o = at(dst, j);
    if (j + 4 > nj) {
      // Partial channel group: element by element.
      for (let jj = j; jj < j + 4; jj++) {
        let d = at(dst, jj);
        let oh = k0 / Wp;
        let ow = k0 % Wp;
        for (let k = 0; k < kc; k++) {
          store<f32>(d, jj < nj && ow < OW ? load<f32>(at(dy, jj * Q + oh * OW + ow)) : 0);
          d += NR * 4;
          if (++ow === Wp) {
            ow = 0;
            oh++;
          }
        }
      }
      continue;
    }
    const r0 = at(dy, j * Q);
    const r1 = at(dy, (j + 1) * Q);
    const r2 = at(dy, (j + 2) * Q);
    const r3 = at(dy, (j + 3) * Q);
    let oh = k0 / Wp;
    let ow = k0 % Wp;
    let k = 0;
    while (k < kc) {
      const d = at(o, k * NR);
      if (ow + 4 <= OW && k + 4 <= kc) {
        // 4x4 transpose: rows are channels, columns positions.
        const q = oh * OW + ow;
        const a = v128.load(at(r0, q));
        const b = v128.load(at(r1, q));
        const c = v128.load(at(r2, q));
        const e = v128.load(at(r3, q));
        const t0 = v128.shuffle<f32>(a, b, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(a, b, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(c, e, 0, 4, 1, 5);
        const t3 = v128.shuffle<f32>(c, e, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        v128.store(d, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), NR * 4);
        v128.store(d, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), NR * 8);
        v128.store(d, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), NR * 12);
        k += 4;
        ow += 4;
      } else {
        if (ow < OW) {
          const q = oh * OW + ow;
          store<f32>(d, load<f32>(at(r0, q)));
          store<f32>(d, load<f32>(at(r1, q)), 4);
          store<f32>(d, load<f32>(at(r2, q)), 8);
          store<f32>(d, load<f32>(at(r3, q)), 12);
        } else {
          v128.store(d, f32x4.splat(0));
        }
        k++;
        ow++;
      }
      if (ow === Wp) {
        ow = 0;
        oh++;
      }
    }
  }
}

/** Prepares a thread's workspace: zeroed xpad (border and tail stay zero) and the offset table. */
function prepare(d: usize, ws: usize): void {
  memory.fill(wsXpad(ws), 0, (<usize>xpadFloats(d)) << 2);
  fillOffsets(d, wsOffsets(ws, d));
}

/**
 * Stride-1 forward for images [n0, n1): out = conv(x, w) (+ bias) (ReLU with FLAG_RELU).
 * Requires sh = sw = 1; ws: convS1WorkspaceBytes(d).
 */
export function conv2dForwardS1(
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
  const G = field(d, D_GROUPS);
  const Cig = Ci / G;
  const Cog = Co / G;
  const P = rows(d);
  const H = field(d, D_H);
  const W = field(d, D_W);
  const OH = field(d, D_OH);
  const OW = field(d, D_OW);
  const Wp = paddedWidth(d);
  const Qp = OH * Wp;
  const Q = OH * OW;
  const xpad = wsXpad(ws);
  const offs = wsOffsets(ws, d);
  const pa = wsPacked(ws, d);
  const relu = (flags & FLAG_RELU) !== 0;
  const CogPad = (Cog + MR - 1) & ~(MR - 1);
  const QpPad = qPad(d);
  const cbuf = at(pa, G * CogPad * P);
  prepare(d, ws);
  for (let g = 0; g < G; g++) packA(Cog, P, at(w, g * Cog * P), P, 1, at(pa, g * CogPad * P));
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      padImage(at(x, (n * Ci + g * Cig) * H * W), d, xpad);
      const pag = at(pa, g * CogPad * P);
      const og = at(out, (n * Co + g * Cog) * Q);
      // C'[co, q'] for the padded-width columns, then keep the OW real columns of each row.
      for (let jr = 0; jr < Qp; jr += NR) {
        for (let ir = 0; ir < Cog; ir += MR) {
          microOffsetB(
            P,
            at(pag, ir * P),
            at(xpad, jr),
            offs,
            at(cbuf, ir * QpPad + jr),
            at(cbuf, (ir + 1) * QpPad + jr),
          );
        }
      }
      for (let co = 0; co < Cog; co++) {
        const b: f32 = bias ? load<f32>(at(bias, g * Cog + co)) : 0;
        const vb = f32x4.splat(b);
        const zero = f32x4.splat(0);
        for (let oh = 0; oh < OH; oh++) {
          const src = at(cbuf, co * QpPad + oh * Wp);
          const dst = at(og, co * Q + oh * OW);
          let ow = 0;
          for (; ow + 4 <= OW; ow += 4) {
            let v = f32x4.add(v128.load(at(src, ow)), vb);
            if (relu) v = f32x4.max(v, zero);
            v128.store(at(dst, ow), v);
          }
          for (; ow < OW; ow++) {
            let v = load<f32>(at(src, ow)) + b;
            if (relu) v = max<f32>(v, 0);
            store<f32>(at(dst, ow), v);
          }
        }
      }
    }
  }
}

/**
 * Stride-1 weight gradient over images [n0, n1) into this thread's dW^T partial, laid out
 * [G][P][CogPad16] inside ws (see conv2dWeightGradS1Partial); the host folds partials into dw.
 */
export function conv2dWeightGradS1(x: usize, dy: usize, d: usize, n0: i32, n1: i32, ws: usize): void {
  const Ci = field(d, D_CI);
  const Co = field(d, D_CO);
  const G = field(d, D_GROUPS);
  const Cig = Ci / G;
  const Cog = Co / G;
  const P = rows(d);
  const H = field(d, D_H);
  const W = field(d, D_W);
  const OH = field(d, D_OH);
  const OW = field(d, D_OW);
  const Wp = paddedWidth(d);
  const Qp = OH * Wp;
  const Q = OH * OW;
  const xpad = wsXpad(ws);
  const offs = wsOffsets(ws, d);
  const pb = wsPacked(ws, d);
  const CogPad = (Cog + NR - 1) & ~(NR - 1);
  const dwT = conv2dWeightGradS1Partial(d, ws);
  const tile = wsTileS1(ws, d);
  prepare(d, ws);
  memory.fill(dwT, 0, (<usize>(G * P * CogPad)) << 2);
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      padImage(at(x, (n * Ci + g * Cig) * H * W), d, xpad);
      const dyg = at(dy, (n * Co + g * Cog) * Q);
      const dwg = at(dwT, g * P * CogPad);
      for (let k0 = 0; k0 < Qp; k0 += KCW) {
        const kc = min(KCW, Qp - k0);
        // B(k = q', j = co) = dy[co, oh, ow] for ow < OW, else 0 (junk columns contribute nothing).
        // Transpose dy rows into the panels four channels by four positions at a time.
        for (let jp = 0; jp < CogPad; jp += NR) {
          packDyPanel(at(dyg, jp * Q), min(NR, Cog - jp), Q, OW, Wp, k0, kc, at(pb, jp * KCW));
        }
        for (let jp = 0; jp < CogPad; jp += NR) {
          const panel = at(pb, jp * KCW);
          for (let ir = 0; ir < P; ir += MR) {
            const a0 = at(xpad, load<i32>(at(offs, ir)) + k0);
            const a1 = ir + 1 < P ? at(xpad, load<i32>(at(offs, ir + 1)) + k0) : a0;
            microRowsA(kc, a0, a1, panel, tile);
            addTile(tile, min(MR, P - ir), at(dwg, ir * CogPad + jp), CogPad);
          }
        }
      }
    }
  }
}

/** Where conv2dWeightGradS1 leaves its dW^T partial inside ws. */
export function conv2dWeightGradS1Partial(d: usize, ws: usize): usize {
  const Cog = field(d, D_CO) / field(d, D_GROUPS);
  return wsPacked(ws, d) + align64((<usize>(((Cog + NR - 1) & ~(NR - 1)) * KCW)) << 2);
}

/**
 * dw[g*Cog + co, p] = beta*dw + sum over the `count` partials (stride `stride` bytes apart, first at
 * `first`) of dW^T[g][p][co].
 */
export function conv2dWeightGradS1Fold(
  dw: usize,
  d: usize,
  beta: f32,
  first: usize,
  stride: usize,
  count: i32,
): void {
  const G = field(d, D_GROUPS);
  const Cog = field(d, D_CO) / G;
  const P = rows(d);
  const CogPad = (Cog + NR - 1) & ~(NR - 1);
  for (let g = 0; g < G; g++) {
    for (let co = 0; co < Cog; co++) {
      for (let p = 0; p < P; p++) {
        let s: f32 = 0;
        for (let t = 0; t < count; t++)
          s += load<f32>(at(first + <usize>t * stride, (g * P + p) * CogPad + co));
        const o = at(dw, (g * Cog + co) * P + p);
        store<f32>(o, beta === 0 ? s : beta * load<f32>(o) + s);
      }
    }
  }
}

/**
 * Weight for the input gradient as a forward conv: w'[g*Cig + ci, co, kh, kw] =
 * w[g*Cog + co, ci, KH-1-kh, KW-1-kw] (transposed channels, flipped taps), w' shaped [Ci, Cog, KH, KW].
 */
export function convFlipWeights(w: usize, dst: usize, Co: i32, Cig: i32, G: i32, KH: i32, KW: i32): void {
  const Cog = Co / G;
  const K = KH * KW;
  for (let g = 0; g < G; g++) {
    for (let co = 0; co < Cog; co++) {
      for (let ci = 0; ci < Cig; ci++) {
        for (let t = 0; t < K; t++) {
          const src = at(w, ((g * Cog + co) * Cig + ci) * K + t);
          store<f32>(at(dst, ((g * Cig + ci) * Cog + co) * K + (K - 1 - t)), load<f32>(src));
        }
      }
    }
  }
}
