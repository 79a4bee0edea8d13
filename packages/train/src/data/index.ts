/** `data`: datasets and batching (as `torch.utils.data`). */
export { type Collated, default_collate } from './collate.js';
export { type BatchSource, DataLoader, type DataLoaderOptions, type DataLoaderState } from './dataloader.js';
export { Dataset, random_split, Subset, TensorDataset } from './dataset.js';
