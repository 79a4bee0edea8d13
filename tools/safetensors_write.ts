/**
 * The minidl half of tools/safetensors_roundtrip.py (which runs it; see there):
 *   tsx --conditions=@minidl/source tools/safetensors_write.ts OUT_DIR TORCH_FILE
 * writes OUT_DIR/minidl.safetensors from tensors minidl makes, and OUT_DIR/resaved.safetensors by
 * loading TORCH_FILE (written by PyTorch) and saving what was loaded.
 */
import { join } from 'node:path';
import { manual_seed, randn, tensor } from '@minidl/tensor';
import { safetensors } from '@minidl/train';

const [outDir, torchFile] = process.argv.slice(2);
if (!outDir || !torchFile) {
  console.error('usage: tsx --conditions=@minidl/source tools/safetensors_write.ts OUT_DIR TORCH_FILE');
  process.exit(2);
}

manual_seed(0);
safetensors.save_file(
  {
    'layer.weight': randn([2, 3]),
    'layer.bias': tensor([0, -1.5]),
    labels: tensor([3, -1, 2147483647], { dtype: 'int64' }),
    flags: tensor([true, false]),
    counts: tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'int32' },
    ),
  },
  join(outDir, 'minidl.safetensors'),
  { written_by: 'minidl' },
);
safetensors.save_file(safetensors.load_file(torchFile), join(outDir, 'resaved.safetensors'));
