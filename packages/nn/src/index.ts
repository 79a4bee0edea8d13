export { convOutputSize, poolOutputSize, type WindowGeometry } from './conv-shape.js';
