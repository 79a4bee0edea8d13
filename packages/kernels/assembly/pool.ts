// 2-d max and average pooling over NCHW planes and their gradients. Planes [p0, p1) of the N*C planes
// are processed per call. Window geometry (descriptor words as in conv.ts, channel count unused):
//   ih = oh*sh - ph + kh*dh, iw = ow*sw - pw + kw*dw.

import { D_DH, D_DW, D_H, D_KH, D_KW, D_OH, D_OW, D_PH, D_PW, D_SH, D_SW, D_W, field } from './descriptor';
import { at, isNan } from './simd';

/**
 * Max pooling: out = max over each window (padding never wins), idx = flat h*W + w of the max within
 * its plane (torch's indices). PyTorch's rule per tap, in window order: take it if `v > best` or v is
 * NaN (so the last NaN wins), starting from best = -inf at the first in-image tap.
 */
export function maxPool2dForward(x: usize, out: usize, idx: usize, d: usize, p0: i32, p1: i32): void {
  const H = field(d, D_H);
  const W = field(d, D_W);
  const KH = field(d, D_KH);
  const KW = field(d, D_KW);
  const sh = field(d, D_SH);
  const sw = field(d, D_SW);
  const ph = field(d, D_PH);
  const pw = field(d, D_PW);
  const dh = field(d, D_DH);
  const dw = field(d, D_DW);
  const OH = field(d, D_OH);
  const OW = field(d, D_OW);
  // The 2x2 fast path assumes every window lies inside the image; ceil_mode on an odd size adds a
  // last window that overhangs the edge, which only the general loop below clips.
  const windowsInside = 2 * OH <= H && 2 * OW <= W;
  if (
    KH === 2 &&
    KW === 2 &&
    sh === 2 &&
    sw === 2 &&
    ph === 0 &&
    pw === 0 &&
    dh === 1 &&
    dw === 1 &&
    windowsInside
  ) {
    maxPool2x2(x, out, idx, H, W, OH, OW, p0, p1);
    return;
  }
  for (let p = p0; p < p1; p++) {
    const plane = at(x, p * H * W);
    const o = p * OH * OW;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sh - ph;
      // Taps inside the image: kh in [khLo, khHi).
      let khLo = 0;
      while (khLo < KH && h0 + khLo * dh < 0) khLo++;
      let khHi = KH;
      while (khHi > khLo && h0 + (khHi - 1) * dh >= H) khHi--;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sw - pw;
        let kwLo = 0;
        while (kwLo < KW && w0 + kwLo * dw < 0) kwLo++;
        let kwHi = KW;
        while (kwHi > kwLo && w0 + (kwHi - 1) * dw >= W) kwHi--;
        let best: f32 = -Infinity;
        let bi = (h0 + khLo * dh) * W + w0 + kwLo * dw;
        for (let kh = khLo; kh < khHi; kh++) {
          const row = (h0 + kh * dh) * W + w0;
          for (let kw = kwLo; kw < kwHi; kw++) {
            const i = row + kw * dw;
            const v = load<f32>(at(plane, i));
            // Branch-free: on random data the comparison is a coin flip the predictor cannot learn.
            const take = takes(v, best);
            best = select<f32>(v, best, take);
            bi = select<i32>(i, bi, take);
          }
        }
        store<f32>(at(out, o + oh * OW + ow), best);
        store<i32>(at(idx, o + oh * OW + ow), bi);
      }
    }
  }
}

/** Whether tap value v replaces best under PyTorch's rule (greater, or NaN). */
function takes(v: f32, best: f32): bool {
  return (v > best) | isNan(v);
}

/** The common 2x2, stride-2, unpadded case (every window inside the image), same rule as above. */
function maxPool2x2(
  x: usize,
  out: usize,
  idx: usize,
  H: i32,
  W: i32,
  OH: i32,
  OW: i32,
  p0: i32,
  p1: i32,
): void {
  for (let p = p0; p < p1; p++) {
    const plane = at(x, p * H * W);
    let o = at(out, p * OH * OW);
    let oi = at(idx, p * OH * OW);
    for (let oh = 0; oh < OH; oh++) {
      const r0 = 2 * oh * W;
      const a = at(plane, r0);
      const b = at(plane, r0 + W);
      // four windows at a time: de-interleave the left and right taps of two input rows
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4) {
        const c = ow << 3;
        const a0 = v128.load(a + c);
        const a1 = v128.load(a + c, 16);
        const b0 = v128.load(b + c);
        const b1 = v128.load(b + c, 16);
        const i0 = i32x4.add(i32x4.splat(r0 + 2 * ow), i32x4(0, 2, 4, 6));
        let best = v128.shuffle<f32>(a0, a1, 0, 2, 4, 6);
        let bi = i0;
        let v = v128.shuffle<f32>(a0, a1, 1, 3, 5, 7);
        let t = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
        best = v128.bitselect(v, best, t);
        bi = v128.bitselect(i32x4.add(i0, i32x4.splat(1)), bi, t);
        v = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
        t = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
        best = v128.bitselect(v, best, t);
        bi = v128.bitselect(i32x4.add(i0, i32x4.splat(W)), bi, t);
        v = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        t = v128.or(f32x4.gt(v, best), f32x4.ne(v, v));
        best = v128.bitselect(v, best, t);
        bi = v128.bitselect(i32x4.add(i0, i32x4.splat(W + 1)), bi, t);
        v128.store(o, best);
        v128.store(oi, bi);
        o += 16;
        oi += 16;
      }
      for (; ow < OW; ow++) {
        const c = ow << 3;
        let best = load<f32>(a + c);
        let bi = r0 + 2 * ow;
        let v = load<f32>(a + c, 4);
        let t = takes(v, best);
        best = select<f32>(v, best, t);
        bi = select<i32>(r0 + 2 * ow + 1, bi, t);
        v = load<f32>(b + c);
        t = takes(v, best);
        best = select<f32>(v, best, t);
        bi = select<i32>(r0 + W + 2 * ow, bi, t);
        v = load<f32>(b + c, 4);
        t = takes(v, best);
        best = select<f32>(v, best, t);
        bi = select<i32>(r0 + W + 2 * ow + 1, bi, t);
        store<f32>(o, best);
        store<i32>(oi, bi);
        o += 4;
        oi += 4;
      }
    }
  }
}

/** Max pooling gradient: dx = 0, then dx[plane][idx] += dy for every output (overlapping windows add). */
export function maxPool2dBackward(
  dy: usize,
  idx: usize,
  dx: usize,
  HW: i32,
  OHW: i32,
  p0: i32,
  p1: i32,
): void {
  memory.fill(at(dx, p0 * HW), 0, (<usize>((p1 - p0) * HW)) << 2);
  for (let p = p0; p < p1; p++) {
    const plane = at(dx, p * HW);
    const o = p * OHW;
    for (let i = 0; i < OHW; i++) {
      const j = load<i32>(at(idx, o + i));
      store<f32>(at(plane, j), load<f32>(at(plane, j)) + load<f32>(at(dy, o + i)));
    }
  }
}

/**
 * Window [h0, h1) x [w0, w1) and its divisor for avg pooling, as PyTorch computes them: the window is
 * clipped to the padded input for count_include_pad, to the input otherwise; divisorOverride > 0 wins.
 */
function avgWindowDivisor(
  oh: i32,
  ow: i32,
  d: usize,
  countIncludePad: bool,
  divisorOverride: i32,
  out: usize,
): i32 {
  const H = field(d, D_H);
  const W = field(d, D_W);
  const ph = field(d, D_PH);
  const pw = field(d, D_PW);
  let h0 = oh * field(d, D_SH) - ph;
  let w0 = ow * field(d, D_SW) - pw;
  let h1 = min(h0 + field(d, D_KH), H + ph);
  let w1 = min(w0 + field(d, D_KW), W + pw);
  const poolSize = (h1 - h0) * (w1 - w0);
  h0 = max(h0, 0);
  w0 = max(w0, 0);
  h1 = min(h1, H);
  w1 = min(w1, W);
  store<i32>(out, h0);
  store<i32>(out, h1, 4);
  store<i32>(out, w0, 8);
  store<i32>(out, w1, 12);
  if (divisorOverride > 0) return divisorOverride;
  return countIncludePad ? poolSize : (h1 - h0) * (w1 - w0);
}

/** Average pooling (dilation is not part of avg_pool2d). `win` is 16 bytes of scratch. */
export function avgPool2dForward(
  x: usize,
  out: usize,
  d: usize,
  countIncludePad: i32,
  divisorOverride: i32,
  win: usize,
  p0: i32,
  p1: i32,
): void {
  const H = field(d, D_H);
  const W = field(d, D_W);
  const OH = field(d, D_OH);
  const OW = field(d, D_OW);
  for (let p = p0; p < p1; p++) {
    const plane = at(x, p * H * W);
    const o = p * OH * OW;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const div = avgWindowDivisor(oh, ow, d, countIncludePad !== 0, divisorOverride, win);
        const h0 = load<i32>(win);
        const h1 = load<i32>(win, 4);
        const w0 = load<i32>(win, 8);
        const w1 = load<i32>(win, 12);
        let s: f32 = 0;
        for (let ih = h0; ih < h1; ih++)
          for (let iw = w0; iw < w1; iw++) s += load<f32>(at(plane, ih * W + iw));
        store<f32>(at(out, o + oh * OW + ow), s / <f32>div);
      }
    }
  }
}

/** Average pooling gradient: dx = 0, then each dy spreads dy/divisor over its window. */
export function avgPool2dBackward(
  dy: usize,
  dx: usize,
  d: usize,
  countIncludePad: i32,
  divisorOverride: i32,
  win: usize,
  p0: i32,
  p1: i32,
): void {
  const H = field(d, D_H);
  const W = field(d, D_W);
  const OH = field(d, D_OH);
  const OW = field(d, D_OW);
  memory.fill(at(dx, p0 * H * W), 0, (<usize>((p1 - p0) * H * W)) << 2);
  for (let p = p0; p < p1; p++) {
    const plane = at(dx, p * H * W);
    const o = p * OH * OW;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const div = avgWindowDivisor(oh, ow, d, countIncludePad !== 0, divisorOverride, win);
        const g = load<f32>(at(dy, o + oh * OW + ow)) / <f32>div;
        const h0 = load<i32>(win);
        const h1 = load<i32>(win, 4);
        const w0 = load<i32>(win, 8);
        const w1 = load<i32>(win, 12);
        for (let ih = h0; ih < h1; ih++) {
          for (let iw = w0; iw < w1; iw++)
            store<f32>(at(plane, ih * W + iw), load<f32>(at(plane, ih * W + iw)) + g);
        }
      }
    }
  }
}
