// A user scheme for `--schemes ./examples/trunc-normal.mjs`: called for every Conv2d and Linear
// (after the layer's own reset_parameters), like the body of the tutorial's init loop.
// `init` is @minidl/init (torch.nn.init); `kind` is 'Conv2d' or 'Linear'; `name` the dotted name.
export const name = 'trunc-normal';
export const description = 'trunc_normal_(weight, 0, 0.02) cut at ±2 std (ViT/BERT style), bias 0';

export default function initLayer(layer, { init }) {
  init.trunc_normal_(layer.weight.data, 0, 0.02, -0.04, 0.04);
  layer.bias?.data.fill_(0);
}
