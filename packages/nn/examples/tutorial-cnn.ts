/**
 * The tutorial's MNIST CNN (its third sample), ported line by line, with the three initialisation
 * schemes it switches between for every Conv2d and Linear: 'small-normal' (normal_(0, 0.02)),
 * 'xavier' (xavier_normal_) and 'kaiming' (kaiming_normal_), biases filled with 0. 'pytorch-default'
 * keeps PyTorch's default layer initialisation. The view flattens by the input's own batch size, so a
 * last partial batch works (the tutorial's `batch_size` constant breaks there).
 *
 * Run: `npx tsx --conditions=@minidl/source examples/tutorial-cnn.ts [scheme]` (in packages/nn).
 */
import { pathToFileURL } from 'node:url';
import { F, nn } from '@minidl/nn';
import type { Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';

const init = nn.init;

/** The tutorial's schemes, plus PyTorch's own default. */
export type Scheme = 'small-normal' | 'xavier' | 'kaiming' | 'pytorch-default';

/** Python's `class CNN(nn.Module)` of the tutorial: `layer` (three convs) and `fc_layer`. */
export class CNN extends nn.Module {
  layer = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), // 28 x 28
    new nn.ReLU(),
    new nn.Conv2d(16, 32, 3, { padding: 1 }), // 28 x 28
    new nn.ReLU(),
    new nn.MaxPool2d(2, 2), // 14 x 14
    new nn.Conv2d(32, 64, 3, { padding: 1 }), // 14 x 14
    new nn.ReLU(),
    new nn.MaxPool2d(2, 2), //  7 x 7
  );
  fc_layer = new nn.Sequential(new nn.Linear(64 * 7 * 7, 100), new nn.ReLU(), new nn.Linear(100, 10));

  constructor(scheme: Scheme = 'kaiming') {
    super();
    if (scheme === 'pytorch-default') return;
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d || m instanceof nn.Linear) {
        if (scheme === 'small-normal') m.weight.data.normal_(0.0, 0.02);
        else if (scheme === 'xavier') init.xavier_normal_(m.weight.data);
        else init.kaiming_normal_(m.weight.data);
        m.bias!.data.fill_(0);
      }
    }
  }

  forward(x: Tensor): Tensor {
    let out = this.layer.forward(x);
    out = out.view(x.size(0), -1);
    out = this.fc_layer.forward(out);
    return out;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const scheme = (process.argv[2] ?? 'kaiming') as Scheme;
  torch.manual_seed(0);
  const model = new CNN(scheme);
  console.log(model.toString());
  const x = torch.rand([16, 1, 28, 28]);
  const y = torch.randint(0, 10, [16]);
  const logits = model.forward(x);
  const loss = F.cross_entropy(logits, y);
  loss.backward();
  console.log(
    `scheme ${scheme}: logits std ${logits.std().item().toFixed(4)}, loss ${loss.item().toFixed(4)}`,
  );
  for (const m of model.modules()) {
    if (m instanceof nn.Conv2d || m instanceof nn.Linear) {
      console.log(
        `${m.toString()}: weight std ${m.weight.std().item().toFixed(5)}, grad norm ${m.weight.grad!.square().sum().sqrt().item().toExponential(3)}`,
      );
    }
  }
}
