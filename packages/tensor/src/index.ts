export { broadcastShapes, contiguousStrides, formatShape, normalizeDim, numel, type Shape } from './shape.js';
