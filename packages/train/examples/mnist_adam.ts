/**
 * The tutorial's MNIST CNN (shared/SEED.md, model 3, kaiming_normal_ weights and zero biases as its
 * code does) trained with Adam on the embedded MNIST digits, evaluated on the held-out 2,000.
 *
 *   cd packages/train && npx tsx --conditions=@minidl/source examples/mnist_adam.ts \
 *     [--epochs 3] [--batch-size 64] [--lr 1e-3] [--seed 0] [--backend wasm] [--checkpoint FILE]
 *     [--data DIR]   (a folder of MNIST's IDX files instead of the embedded digits)
 *
 * PyTorch equivalent (same data split, initial weights and batch order):
 * tools/fixtures/train_mnist_reference.py; compare its first_step_losses and history with this one's.
 */
import { parseArgs } from 'node:util';
import { F, nn } from '@minidl/nn';
import {
  type BackendName,
  Generator,
  get_backend,
  manual_seed,
  set_backend,
  type Tensor,
} from '@minidl/tensor';
import { data, datasets, fit, optim } from '@minidl/train';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '3' },
    'batch-size': { type: 'string', default: '64' },
    lr: { type: 'string', default: '1e-3' },
    seed: { type: 'string', default: '0' },
    backend: { type: 'string' },
    checkpoint: { type: 'string' },
    data: { type: 'string' },
  },
});
if (args.backend) set_backend(args.backend as BackendName);
const epochs = Number(args.epochs);
const batchSize = Number(args['batch-size']);
const lr = Number(args.lr);
const seed = Number(args.seed);

/** SEED.md model 3: three 3x3 convolutions with ReLU and two max-pools, then two linear layers. */
class CNN extends nn.Module {
  layer = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2, 2),
    new nn.Conv2d(32, 64, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2, 2),
  );
  fc_layer = new nn.Sequential(new nn.Linear(64 * 7 * 7, 100), new nn.ReLU(), new nn.Linear(100, 10));

  constructor() {
    super();
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d || m instanceof nn.Linear) {
        nn.init.kaiming_normal_(m.weight.data);
        m.bias!.data.fill_(0);
      }
    }
  }

  forward(x: Tensor): Tensor {
    const out = this.layer.forward(x);
    // the tutorial's view(batch_size, -1) breaks on a last partial batch: flatten by x's own batch
    return this.fc_layer.forward(out.view(x.shape[0]!, -1));
  }
}

manual_seed(seed);
const model = new CNN();
const train = new datasets.MNIST(args.data, { train: true });
const test = new datasets.MNIST(args.data, { train: false });
const started = performance.now();
const cpuStart = process.cpuUsage();
const firstStepLosses: number[] = [];
const history = await fit(model, {
  optimizer: new optim.Adam(model.parameters(), { lr }),
  loss: F.cross_entropy,
  train_loader: new data.DataLoader(train, {
    batch_size: batchSize,
    shuffle: true,
    generator: new Generator().manual_seed(seed),
  }),
  val_loader: new data.DataLoader(test, { batch_size: 500 }),
  epochs,
  checkpoint: args.checkpoint ? { path: args.checkpoint, every_n_steps: 50 } : undefined,
  callbacks: [{ on_step_end: (s) => void (firstStepLosses.length < 5 && firstStepLosses.push(s.loss)) }],
});
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const last = history.at(-1)!;
const trainSeconds = history.reduce((s, h) => s + h.seconds, 0);
console.log(
  JSON.stringify({
    backend: get_backend(),
    epochs,
    batch_size: batchSize,
    lr,
    seed,
    train_samples: train.length,
    test_samples: test.length,
    test_acc: last.val_acc,
    test_loss: last.val_loss,
    train_samples_per_s: Math.round((train.length * history.length) / trainSeconds),
    wall_seconds: Math.round(seconds * 10) / 10,
    // CPU time of all the process's threads: on a loaded machine, a steadier measure than wall time
    cpu_seconds: Math.round((cpu.user + cpu.system) / 1e5) / 10,
    first_step_losses: firstStepLosses,
    history: history.map((h) => ({
      epoch: h.epoch + 1,
      train_loss: h.train_loss,
      test_acc: h.val_acc,
      seconds: h.seconds,
    })),
  }),
);
