/**
 * The tutorial's first sample, ported line by line: a net of three Linear layers whose weights are
 * re-drawn from U(0, 1) with `init.uniform_` in a loop over `this.modules()`.
 *
 * Run: `npx tsx --conditions=@minidl/source examples/custom-net.ts` (in packages/nn).
 */
import { pathToFileURL } from 'node:url';
import { F, nn } from '@minidl/nn';
import type { Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';

const init = nn.init;

/**
 * Python:
 * ```python
 * class Net(nn.Module):
 *     def __init__(self):
 *         super(Net, self).__init__()
 *         self.fc1 = nn.Linear(1024, 1024, bias=False)
 *         self.fc2 = nn.Linear(1024, 512, bias=False)
 *         self.fc3 = nn.Linear(512, 10)
 *         for m in self.modules():
 *             if isinstance(m, nn.Linear):
 *                 init.uniform_(m.weight.data)
 * ```
 */
export class Net extends nn.Module {
  fc1 = new nn.Linear(1024, 1024, { bias: false });
  fc2 = new nn.Linear(1024, 512, { bias: false });
  fc3 = new nn.Linear(512, 10);

  constructor() {
    super();
    for (const m of this.modules()) {
      if (m instanceof nn.Linear) {
        init.uniform_(m.weight.data);
      }
    }
  }

  forward(x: Tensor): Tensor {
    return this.fc3.forward(F.relu(this.fc2.forward(F.relu(this.fc1.forward(x)))));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  torch.manual_seed(0);
  const net = new Net();
  console.log(net.toString());
  for (const [name, p] of net.named_parameters()) {
    const v = p.toFloat32Array();
    console.log(
      `${name}: shape [${p.shape}], min ${Math.min(...v.slice(0, 4096)).toFixed(4)}, mean ${p.mean().item().toFixed(4)}`,
    );
  }
  // U(0, 1) weights on every layer: activations grow with the fan-in, the tutorial's point against it.
  console.log(
    'output std for a standard-normal input:',
    net
      .forward(torch.randn([4, 1024]))
      .std()
      .item(),
  );
}
