/**
 * The two models: the tutorial's MNIST CNN (SEED.md, with the same attribute names, so its
 * state_dict keys match PyTorch's: `layer.0.weight`, `fc_layer.2.bias`, ...) and a deep ReLU MLP
 * for He et al. (2015)'s depth experiment. Construction draws the layers' default weights from the
 * global generator in the same order as PyTorch, so `manual_seed(s)` then the same scheme yields
 * PyTorch's exact weights.
 */
import { nn } from '@minidl/nn';
import type { Tensor } from '@minidl/tensor';
import type { RunConfig } from './record.js';

/**
 * The tutorial's CNN: three 3x3 convolutions (16, 32, 64 channels, padding 1) with ReLU and two
 * 2x2 max-pools, then Linear(3136, 100), ReLU, Linear(100, 10). Unlike the tutorial's
 * `out.view(batch_size, -1)`, it flattens by the input's own batch size so a last partial batch works.
 *
 * @example
 * ```ts
 * const logits = new TutorialCNN().forward(torch.zeros([16, 1, 28, 28])); // [16, 10]
 * ```
 */
export class TutorialCNN extends nn.Module {
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

  forward(x: Tensor): Tensor {
    const out = this.layer.forward(x);
    return this.fc_layer.forward(out.view(x.shape[0]!, -1));
  }
}

/**
 * `depth` Linear layers 784 -> width -> ... -> width -> 10 with a ReLU after each but the last,
 * on flattened images.
 *
 * @example
 * ```ts
 * new DeepMLP(30, 256).forward(torch.zeros([4, 1, 28, 28])).shape; // [4, 10]
 * ```
 */
export class DeepMLP extends nn.Module {
  net: nn.Sequential;

  constructor(depth: number, width: number) {
    super();
    const layers: nn.Module[] = [];
    for (let i = 0; i < depth; i++) {
      layers.push(new nn.Linear(i === 0 ? 28 * 28 : width, i === depth - 1 ? 10 : width));
      if (i < depth - 1) layers.push(new nn.ReLU());
    }
    this.net = new nn.Sequential(...layers);
  }

  forward(x: Tensor): Tensor {
    return this.net.forward(x.flatten(1));
  }
}

/** The model a configuration asks for (built from the global generator: seed first). */
export function buildModel(config: RunConfig): TutorialCNN | DeepMLP {
  return config.model === 'deep-mlp'
    ? new DeepMLP(config.depth ?? 30, config.width ?? 256)
    : new TutorialCNN();
}

/** A Conv2d or Linear layer with its PyTorch dotted name. */
export interface WeightLayer {
  name: string;
  kind: 'Conv2d' | 'Linear';
  module: nn.Conv2d | nn.Linear;
}

/**
 * The Conv2d and Linear layers in `named_modules()` order: the layers every scheme initialises
 * and the diagnostics measure.
 *
 * @example
 * ```ts
 * weightLayers(new TutorialCNN()).map((l) => l.name); // ['layer.0', 'layer.2', 'layer.5', 'fc_layer.0', 'fc_layer.2']
 * ```
 */
export function weightLayers(model: nn.Module): WeightLayer[] {
  const layers: WeightLayer[] = [];
  for (const [name, m] of model.named_modules()) {
    if (m instanceof nn.Conv2d) layers.push({ name, kind: 'Conv2d', module: m });
    else if (m instanceof nn.Linear) layers.push({ name, kind: 'Linear', module: m });
  }
  return layers;
}
