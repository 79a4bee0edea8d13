export {
  DEFAULTS,
  type ExperimentOptions,
  parseOptions,
  SCHEMES,
  type SchemeName,
  UsageError,
} from './options.js';
