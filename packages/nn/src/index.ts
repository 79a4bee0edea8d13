/**
 * @minidl/nn: modules, layers, functional ops and losses with PyTorch's semantics, so a PyTorch model
 * ports line by line. `nn` mirrors `torch.nn` (with `nn.init` = @minidl/init), `F` mirrors
 * `torch.nn.functional`.
 *
 * @example
 * ```ts
 * import * as torch from '@minidl/tensor';
 * import { nn, F } from '@minidl/nn';
 * torch.manual_seed(0);
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
 * const loss = F.cross_entropy(model.forward(torch.randn([2, 4])), torch.tensor([0, 2], { dtype: 'int64' }));
 * loss.backward();
 * ```
 * @packageDocumentation
 */
export * as F from './functional/index.js';
export * as nn from './nn.js';
