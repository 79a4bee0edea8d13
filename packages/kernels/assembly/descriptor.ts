// The geometry descriptor of convolution and pooling kernels: 16 i32 words the host writes (see
// src/conv.ts) and every conv/pool kernel reads. Word 0 is the batch size N, used only by the host;
// pooling leaves the channel words unused.
export const D_CI = 1;
export const D_H = 2;
export const D_W = 3;
export const D_CO = 4;
export const D_KH = 5;
export const D_KW = 6;
export const D_SH = 7;
export const D_SW = 8;
export const D_PH = 9;
export const D_PW = 10;
export const D_DH = 11;
export const D_DW = 12;
export const D_GROUPS = 13;
export const D_OH = 14;
export const D_OW = 15;

/** Word `i` of the descriptor at `d`. */
export function field(d: usize, i: i32): i32 {
  return load<i32>(d + ((<usize>i) << 2));
}
