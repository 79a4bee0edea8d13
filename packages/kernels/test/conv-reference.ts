// Naive float64 reference convolution and its gradients, straight from the definition.
import type { Conv2dGeometry } from '../src/index.js';

function xIndex(g: Conv2dGeometry, n: number, c: number, h: number, w: number): number {
  return ((n * g.Ci + c) * g.H + h) * g.W + w;
}

/** Calls f(n, co, oh, ow, ci, kh, kw, xi, wi) for every in-image tap. */
function forEachTap(g: Conv2dGeometry, f: (oi: number, xi: number, wi: number, co: number) => void): void {
  const Cig = g.Ci / g.groups;
  const Cog = g.Co / g.groups;
  for (let n = 0; n < g.N; n++)
    for (let co = 0; co < g.Co; co++) {
      const grp = Math.floor(co / Cog);
      for (let oh = 0; oh < g.OH; oh++)
        for (let ow = 0; ow < g.OW; ow++) {
          const oi = ((n * g.Co + co) * g.OH + oh) * g.OW + ow;
          for (let ci = 0; ci < Cig; ci++)
            for (let kh = 0; kh < g.KH; kh++)
              for (let kw = 0; kw < g.KW; kw++) {
                const ih = oh * g.sh - g.ph + kh * g.dh;
                const iw = ow * g.sw - g.pw + kw * g.dw;
                if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                f(oi, xIndex(g, n, grp * Cig + ci, ih, iw), ((co * Cig + ci) * g.KH + kh) * g.KW + kw, co);
              }
        }
    }
}

export function refForward(
  g: Conv2dGeometry,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
): Float64Array {
  const out = new Float64Array(g.N * g.Co * g.OH * g.OW);
  forEachTap(g, (oi, xi, wi) => {
    out[oi]! += x[xi]! * w[wi]!;
  });
  if (bias) for (let i = 0; i < out.length; i++) out[i]! += bias[Math.floor(i / (g.OH * g.OW)) % g.Co]!;
  return out;
}

export function refInputGrad(g: Conv2dGeometry, w: Float32Array, dy: Float32Array): Float64Array {
  const dx = new Float64Array(g.N * g.Ci * g.H * g.W);
  forEachTap(g, (oi, xi, wi) => {
    dx[xi]! += dy[oi]! * w[wi]!;
  });
  return dx;
}

export function refWeightGrad(
  g: Conv2dGeometry,
  x: Float32Array,
  dy: Float32Array,
  wLen: number,
): Float64Array {
  const dw = new Float64Array(wLen);
  forEachTap(g, (oi, xi, wi) => {
    dw[wi]! += dy[oi]! * x[xi]!;
  });
  return dw;
}
