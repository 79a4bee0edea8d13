/** `safetensors`: weights files PyTorch reads and writes (as `safetensors.torch`). */
export { DTYPE_BYTES, type SafetensorsDType } from './format.js';
export {
  load,
  load_file,
  load_file_with_metadata,
  load_with_metadata,
  save,
  save_file,
  type TensorDict,
} from './safetensors.js';
