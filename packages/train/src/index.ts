export { decodeIdx, type IdxArray } from './idx.js';
