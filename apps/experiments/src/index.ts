/**
 * @minidl/experiments: the app that trains the tutorial's MNIST CNN (or a deep ReLU MLP) under
 * different weight initialisations and reports how each converges. Most users run the CLI
 * (`npm run experiments -- --help`); this module exposes its parts for scripts and tests.
 *
 * @example
 * ```ts
 * import { main } from '@minidl/experiments';
 * process.exitCode = await main(['--schemes', 'small-normal,kaiming', '--seeds', '1', '--epochs', '1']);
 * ```
 * @packageDocumentation
 */
export { canonicalJson, configDifferences, configHash, libraryVersions, runConfigOf } from './config.js';
export { csvFiles, toCsv } from './csv.js';
export { invocationDir, type MainContext, main, type Trainer, type TrainerFactory } from './main.js';
export { buildModel, DeepMLP, TutorialCNN, type WeightLayer, weightLayers } from './model.js';
export {
  DEFAULTS,
  type ExperimentOptions,
  helpText,
  isSchemeModulePath,
  MODELS,
  type ModelName,
  OPTIMIZERS,
  OPTION_DOCS,
  type OptimizerName,
  parseOptions,
  SCHEMES,
  type SchemeName,
  UsageError,
} from './options.js';
export { writeOutputs } from './output.js';
export { type Figure, figures, schemeColor, withOffScaleLosses } from './plots.js';
export { pngFont, svgToPng } from './png.js';
export { ProgressBar, type ProgressInfo, progressLine } from './progress.js';
export type {
  Diagnostics,
  EpochRecord,
  LayerStats,
  PartialRun,
  RunConfig,
  RunRecord,
  StepRecord,
  Versions,
} from './record.js';
export { loadReference } from './reference.js';
export { reportHtml } from './report.js';
export {
  type ExperimentPlan,
  type RunHooks,
  type RunnerOutput,
  type RunSpec,
  runExperiment,
  type StepReport,
  type TrainRun,
} from './runner.js';
export {
  applyScheme,
  BUILTIN_SCHEMES,
  type InitApi,
  type InitLayer,
  type LayerInit,
  loadSchemeModule,
  resolveSchemes,
  type Scheme,
  type SchemeContext,
  schemeDescriptions,
} from './schemes.js';
export { bandOf, meanStd, type SchemeSummary, stepsToAccuracy, summarise, trains } from './stats.js';
export {
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  RunStore,
  runKey,
  type StoredTensor,
  writeFileAtomic,
} from './store.js';
export { buildSummary, type Reference, type Summary } from './summary.js';
export {
  type ChartSpec,
  escapeXml,
  formatTick,
  lineChart,
  logTicks,
  niceTicks,
  PALETTE,
  type Series,
} from './svg-chart.js';
export { accuracyCell, percent, stepsCell, summaryRows, textTable } from './table.js';
export { createTrainer, DIAGNOSTIC_BATCH } from './train-run.js';
