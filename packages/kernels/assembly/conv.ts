// 2-d convolution (NCHW, stride, padding, dilation, groups) and its two gradients as GEMMs whose
// im2col operand is never materialised for the batch: the GEMM's packing step reads the input image
// directly (forward, weight gradient), and the input gradient scatters one column block at a time.
// Per image n and group g, with p = (ci*KH + kh)*KW + kw and q = oh*OW + ow:
//   col(p, q) = x[n, g*Cig + ci, oh*sh - ph + kh*dh, ow*sw - pw + kw*dw]   (0 in the padding)
//   forward:  out[n, g*Cog:(g+1)*Cog, :] = W_g[Cog, P] col[P, Q] (+ bias, ReLU)
//   grad W:   dW_g[Cog, P] += dY_g[Cog, Q] col^T[Q, P]
//   grad x:   dcol[P, Q] = W_g^T dY_g, then x-grad += col2im(dcol)
// The descriptor is 16 i32 words written by the host (see src/conv.ts).

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
  D_SH,
  D_SW,
  D_W,
  field,
} from './descriptor';
import {
  FLAG_BIAS_ROW,
  gemmWorkspaceBytes,
  KC,
  MC,
  macroKernel,
  NR,
  packA,
  sgemm,
  wsPackA,
  wsPackB,
  wsTile,
} from './gemm';
import { at, hsum } from './simd';

/** Column block width of the forward and weight-gradient GEMMs (output positions per packed B block). */
const NCQ = 512;
/** Column block width of the input-gradient GEMM (its dcol block is P x NCX floats). */
const NCX = 128;

/**
 * Walks row p = (ci, kh, kw) of col over q in [q0, q1), one output row at a time, splitting each
 * into left padding, in-image run and right padding, and does one of three things (`mode`):
 *   0: pack forward B panels (dst index = ((q-q0)>>4)*panel + ((q-q0)&15))
 *   1: pack weight-gradient B panels (dst index = (q-q0)*NR)
 *   2: col2im: plane[...] += src[q - q0]
 * Out-of-image entries are written as 0 for modes 0 and 1 and skipped for mode 2.
 */
function rowPass(
  mode: i32,
  plane: usize,
  d: usize,
  kh: i32,
  kw: i32,
  q0: i32,
  q1: i32,
  buf: usize,
  panel: i32,
): void {
  const H = field(d, D_H);
  const W = field(d, D_W);
  const OW = field(d, D_OW);
  const sh = field(d, D_SH);
  const sw = field(d, D_SW);
  const ihOff = kh * field(d, D_DH) - field(d, D_PH);
  const iwOff = kw * field(d, D_DW) - field(d, D_PW);
  // Valid ow: 0 <= ow*sw + iwOff < W.
  let owLo = iwOff >= 0 ? 0 : (-iwOff + sw - 1) / sw;
  let owHi = W - 1 - iwOff < 0 ? 0 : (W - 1 - iwOff) / sw + 1;
  if (owHi > OW) owHi = OW;
  if (owLo > owHi) owLo = owHi;
  const sstep = (<usize>sw) << 2;
  let q = q0;
  while (q < q1) {
    const oh = q / OW;
    const rowStart = oh * OW;
    const qEnd = min(q1, rowStart + OW);
    const ih = oh * sh + ihOff;
    const inRows = ih >= 0 && ih < H;
    // [q, qEnd) splits into left padding, image, right padding.
    const a = inRows ? max(q, min(qEnd, rowStart + owLo)) : qEnd;
    const b = inRows ? max(a, min(qEnd, rowStart + owHi)) : qEnd;
    if (mode === 2) {
      if (a < b) {
        let src = at(buf, a - q0);
        let dst = at(plane, ih * W + (a - rowStart) * sw + iwOff);
        if (sw === 1) {
          let i = a;
          for (; i + 4 <= b; i += 4) {
            v128.store(dst, f32x4.add(v128.load(dst), v128.load(src)));
            src += 16;
            dst += 16;
          }
          for (; i < b; i++) {
            store<f32>(dst, load<f32>(dst) + load<f32>(src));
            src += 4;
            dst += 4;
          }
        } else {
          for (let i = a; i < b; i++) {
            store<f32>(dst, load<f32>(dst) + load<f32>(src));
            src += 4;
            dst += sstep;
          }
        }
      }
    } else if (mode === 1) {
      let o = at(buf, (q - q0) * NR);
      for (let i = q; i < a; i++) {
        store<f32>(o, 0);
        o += NR * 4;
      }
      if (a < b) {
        let src = at(plane, ih * W + (a - rowStart) * sw + iwOff);
        for (let i = a; i < b; i++) {
          store<f32>(o, load<f32>(src));
          src += sstep;
          o += NR * 4;
        }
      }
      for (let i = b; i < qEnd; i++) {
        store<f32>(o, 0);
        o += NR * 4;
      }
    } else {
      for (let i = q; i < a; i++) store<f32>(at(buf, ((i - q0) >> 4) * panel + ((i - q0) & 15)), 0);
      if (a < b) {
        let src = at(plane, ih * W + (a - rowStart) * sw + iwOff);
        let i = a;
        while (i < b) {
          // Runs never cross a 16-column panel boundary; a whole aligned panel row moves as 4 vectors.
          const j = i - q0;
          const end = min(b, i + 16 - (j & 15));
          let o = at(buf, (j >> 4) * panel + (j & 15));
          if (sw === 1 && end - i === 16) {
            v128.store(o, v128.load(src));
            v128.store(o, v128.load(src, 16), 16);
            v128.store(o, v128.load(src, 32), 32);
            v128.store(o, v128.load(src, 48), 48);
            src += 64;
          } else {
            for (let t = i; t < end; t++) {
              store<f32>(o, load<f32>(src));
              src += sstep;
              o += 4;
            }
          }
          i = end;
        }
      }
      for (let i = b; i < qEnd; i++) store<f32>(at(buf, ((i - q0) >> 4) * panel + ((i - q0) & 15)), 0);
    }
    q = qEnd;
  }
}

/** Packs rows [p0, p0+kc) x columns [q0, q0+nc) of col (one image, one group) as NR-column B panels. */
function packIm2col(x: usize, d: usize, p0: i32, kc: i32, q0: i32, nc: i32, dst: usize): void {
  const KH = field(d, D_KH);
  const KW = field(d, D_KW);
  const HW = field(d, D_H) * field(d, D_W);
  const panel = kc * NR;
  // Zero the padding columns of a partial last panel.
  const tail = nc & (NR - 1);
  if (tail) {
    const last = at(dst, (nc >> 4) * panel);
    for (let k = 0; k < kc; k++) for (let j = tail; j < NR; j++) store<f32>(at(last, k * NR + j), 0);
  }
  let ci = p0 / (KH * KW);
  let kh = (p0 % (KH * KW)) / KW;
  let kw = p0 % KW;
  for (let k = 0; k < kc; k++) {
    rowPass(0, at(x, ci * HW), d, kh, kw, q0, q0 + nc, at(dst, k * NR), panel);
    if (++kw === KW) {
      kw = 0;
      if (++kh === KH) {
        kh = 0;
        ci++;
      }
    }
  }
}

/** Packs col^T rows q in [q0, q0+kc) x columns p in [p0, p0+nc) as NR-column B panels (weight gradient). */
function packIm2colT(x: usize, d: usize, q0: i32, kc: i32, p0: i32, nc: i32, dst: usize): void {
  const KH = field(d, D_KH);
  const KW = field(d, D_KW);
  const HW = field(d, D_H) * field(d, D_W);
  for (let j = 0; j < ((nc + NR - 1) & ~(NR - 1)); j++) {
    const o = at(dst, (j >> 4) * kc * NR + (j & 15));
    const p = p0 + j;
    if (j >= nc) {
      for (let k = 0; k < kc; k++) store<f32>(at(o, k * NR), 0);
      continue;
    }
    const ci = p / (KH * KW);
    const kh = (p % (KH * KW)) / KW;
    const kw = p % KW;
    rowPass(1, at(x, ci * HW), d, kh, kw, q0, q0 + kc, o, 0);
  }
}

/**
 * Forward for images [n0, n1): out = conv(x, w) (+ bias per output channel) (then ReLU, flag 4).
 * x: [N, Ci, H, W], w: [Co, Ci/groups, KH, KW], out: [N, Co, OH, OW]; ws: gemmWorkspaceBytes().
 */
export function conv2dForward(
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
  const P = Cig * field(d, D_KH) * field(d, D_KW);
  const Q = field(d, D_OH) * field(d, D_OW);
  const HW = field(d, D_H) * field(d, D_W);
  const pa = wsPackA(ws);
  const pb = wsPackB(ws);
  const tile = wsTile(ws);
  const biasFlags = bias ? flags | FLAG_BIAS_ROW : flags & ~FLAG_BIAS_ROW;
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      const xg = at(x, (n * Ci + g * Cig) * HW);
      const wg = at(w, g * Cog * P);
      const og = at(out, (n * Co + g * Cog) * Q);
      for (let jc = 0; jc < Q; jc += NCQ) {
        const nc = min(NCQ, Q - jc);
        for (let pc = 0; pc < P; pc += KC) {
          const kc = min(KC, P - pc);
          packIm2col(xg, d, pc, kc, jc, nc, pb);
          for (let ic = 0; ic < Cog; ic += MC) {
            const mc = min(MC, Cog - ic);
            packA(mc, kc, at(wg, ic * P + pc), P, 1, pa);
            const b0 = bias ? at(bias, g * Cog + ic) : 0;
            macroKernel(
              mc,
              nc,
              kc,
              pa,
              pb,
              at(og, ic * Q + jc),
              Q,
              1,
              0,
              pc === 0,
              pc + kc >= P,
              biasFlags,
              b0,
              tile,
            );
          }
        }
      }
    }
  }
}

/**
 * Weight gradient over images [n0, n1): dw = beta*dw + sum_n dY_n col_n^T, dw: [Co, Ci/groups, KH, KW].
 * Threads each take a slice of the batch into their own dw buffer (beta = 0), summed by the host.
 */
export function conv2dWeightGrad(
  x: usize,
  dy: usize,
  dw: usize,
  d: usize,
  beta: f32,
  n0: i32,
  n1: i32,
  ws: usize,
): void {
  const Ci = field(d, D_CI);
  const Co = field(d, D_CO);
  const G = field(d, D_GROUPS);
  const Cig = Ci / G;
  const Cog = Co / G;
  const P = Cig * field(d, D_KH) * field(d, D_KW);
  const Q = field(d, D_OH) * field(d, D_OW);
  const HW = field(d, D_H) * field(d, D_W);
  const pa = wsPackA(ws);
  const pb = wsPackB(ws);
  const tile = wsTile(ws);
  if (n1 <= n0) {
    // No images: dw = beta * dw.
    for (let i = 0; i < Co * P; i++) store<f32>(at(dw, i), beta === 0 ? 0 : beta * load<f32>(at(dw, i)));
    return;
  }
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      const xg = at(x, (n * Ci + g * Cig) * HW);
      const dyg = at(dy, (n * Co + g * Cog) * Q);
      const dwg = at(dw, g * Cog * P);
      for (let jc = 0; jc < P; jc += NCQ) {
        const nc = min(NCQ, P - jc);
        for (let pc = 0; pc < Q; pc += KC) {
          const kc = min(KC, Q - pc);
          packIm2colT(xg, d, pc, kc, jc, nc, pb);
          for (let ic = 0; ic < Cog; ic += MC) {
            const mc = min(MC, Cog - ic);
            packA(mc, kc, at(dyg, ic * Q + pc), Q, 1, pa);
            const first = n === n0 && pc === 0;
            macroKernel(
              mc,
              nc,
              kc,
              pa,
              pb,
              at(dwg, ic * P + jc),
              P,
              1,
              first ? beta : 1,
              true,
              false,
              0,
              0,
              tile,
            );
          }
        }
      }
    }
  }
}

/** Bytes of extra workspace (beyond the GEMM's) the input gradient needs for its dcol block. */
export function conv2dInputGradWorkspaceBytes(d: usize): usize {
  const P = (field(d, D_CI) / field(d, D_GROUPS)) * field(d, D_KH) * field(d, D_KW);
  return (<usize>(P * NCX)) << 2;
}

/**
 * Input gradient for images [n0, n1): dx = col2im(W^T dY) (overwrites dx). ws holds the GEMM
 * workspace followed by conv2dInputGradWorkspaceBytes() for one dcol block.
 */
export function conv2dInputGrad(w: usize, dy: usize, dx: usize, d: usize, n0: i32, n1: i32, ws: usize): void {
  const Ci = field(d, D_CI);
  const Co = field(d, D_CO);
  const G = field(d, D_GROUPS);
  const KH = field(d, D_KH);
  const KW = field(d, D_KW);
  const Cig = Ci / G;
  const Cog = Co / G;
  const P = Cig * KH * KW;
  const Q = field(d, D_OH) * field(d, D_OW);
  const HW = field(d, D_H) * field(d, D_W);
  const dcol = ws + gemmWorkspaceBytes();
  memory.fill(at(dx, n0 * Ci * HW), 0, (<usize>((n1 - n0) * Ci * HW)) << 2);
  for (let n = n0; n < n1; n++) {
    for (let g = 0; g < G; g++) {
      const dxg = at(dx, (n * Ci + g * Cig) * HW);
      const dyg = at(dy, (n * Co + g * Cog) * Q);
      const wg = at(w, g * Cog * P);
      for (let jc = 0; jc < Q; jc += NCX) {
        const nc = min(NCX, Q - jc);
        // dcol[P, nc] = W_g^T[P, Cog] dY_g[Cog, jc:jc+nc]
        sgemm(1, 0, P, nc, Cog, 1, wg, P, at(dyg, jc), Q, 0, dcol, nc, 0, 0, ws);
        let ci = 0;
        let kh = 0;
        let kw = 0;
        for (let p = 0; p < P; p++) {
          rowPass(2, at(dxg, ci * HW), d, kh, kw, jc, jc + nc, at(dcol, p * nc), 0);
          if (++kw === KW) {
            kw = 0;
            if (++kh === KH) {
              kh = 0;
              ci++;
            }
          }
        }
      }
    }
  }
}

/** Bias gradient: db[co] = sum over images and positions of dY[n, co, :]. */
export function conv2dBiasGrad(dy: usize, db: usize, N: i32, Co: i32, Q: i32): void {
  for (let co = 0; co < Co; co++) {
    let s: f64 = 0;
    for (let n = 0; n < N; n++) {
      const row = at(dy, (n * Co + co) * Q);
      let acc = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= Q; i += 4) acc = f32x4.add(acc, v128.load(at(row, i)));
      let t = hsum(acc);
      for (; i < Q; i++) t += load<f32>(at(row, i));
      s += <f64>t;
    }
    store<f32>(at(db, co), <f32>s);
  }
}
