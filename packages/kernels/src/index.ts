export { detectWasmFeatures, type WasmFeatures } from './features.js';
