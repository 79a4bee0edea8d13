export { calculate_gain } from './gain.js';
