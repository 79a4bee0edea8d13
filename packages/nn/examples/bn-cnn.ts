/**
 * The tutorial's second sample, ported line by line: a CNN with BatchNorm, initialised by
 * `model.apply(initialize_weights)` (Kaiming-uniform for Conv2d and Linear, BatchNorm to 1 and 0).
 *
 * Run: `npx tsx --conditions=@minidl/source examples/bn-cnn.ts` (in packages/nn).
 */
import { pathToFileURL } from 'node:url';
import { F, nn } from '@minidl/nn';
import type { Tensor } from '@minidl/tensor';
import * as torch from '@minidl/tensor';

/** Python's `class CNN(nn.Module)` of the sample (conv1, conv2, conv2_bn, dense1, dense1_bn, dense2). */
export class CNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 10, 5, { stride: 1 }); // in_channels=1, out_channels=10, kernel_size=5
  conv2 = new nn.Conv2d(10, 20, 5);
  conv2_bn = new nn.BatchNorm2d(20);
  dense1 = new nn.Linear(320, 50); // in_features=320, out_features=50
  dense1_bn = new nn.BatchNorm1d(50);
  dense2 = new nn.Linear(50, 10);

  forward(input: Tensor): Tensor {
    let x = input;
    x = F.relu(F.max_pool2d(this.conv1.forward(x), 2));
    x = F.relu(F.max_pool2d(this.conv2_bn.forward(this.conv2.forward(x)), 2));
    x = x.view(-1, 320);
    x = F.relu(this.dense1_bn.forward(this.dense1.forward(x)));
    x = F.relu(this.dense2.forward(x));
    return F.log_softmax(x); // implicit dim (1 here), with PyTorch's deprecation warning
  }
}

/** The sample's `initialize_weights(m)`, applied to every module by `model.apply`. */
export function initialize_weights(m: nn.Module): void {
  if (m instanceof nn.Conv2d) {
    nn.init.kaiming_uniform_(m.weight.data, { nonlinearity: 'relu' });
    if (m.bias !== null) {
      nn.init.constant_(m.bias.data, 0);
    }
  } else if (m instanceof nn.BatchNorm2d) {
    nn.init.constant_(m.weight!.data, 1);
    nn.init.constant_(m.bias!.data, 0);
  } else if (m instanceof nn.Linear) {
    nn.init.kaiming_uniform_(m.weight.data);
    nn.init.constant_(m.bias!.data, 0);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  torch.manual_seed(0);
  const model = new CNN();
  model.apply(initialize_weights);
  console.log(model.toString());
  const x = torch.rand([8, 1, 28, 28]);
  const y = torch.randint(0, 10, [8]);
  const loss = F.nll_loss(model.forward(x), y);
  loss.backward();
  console.log(`NLL loss on a random batch of 8: ${loss.item().toFixed(4)}`);
  for (const [name, p] of model.named_parameters())
    console.log(`${name}: grad norm ${p.grad!.square().sum().sqrt().item().toFixed(5)}`);
}
