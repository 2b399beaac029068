/** The runner: train, evaluate, predict, bench over a model and micro-batches. */
export { type Accumulated, accumulateGradients, accumulateGradientsAsync } from './accumulate.js';
export { type AdamW, type AdamWOptions, adamW } from './adamw.js';
export {
  type BagOfTokensOptions,
  bagOfTokens,
  bagOfTokensModel,
} from './bag-of-tokens-model.js';
export { arrayBatchSource, type BatchSource, batchRows } from './batch-source.js';
export {
  type BenchCell,
  type BenchMatrix,
  type BenchRecord,
  cellId,
  expandMatrix,
} from './bench-matrix.js';
export { restoreCheckpoint, snapshot } from './checkpoint.js';
export {
  type CheckpointData,
  type CheckpointStore,
  type CheckpointTensor,
  type DirectoryCheckpointStoreOptions,
  directoryCheckpointStore,
} from './checkpoint-store.js';
export {
  type EvalData,
  type EvalResult,
  evaluate,
  type Predictions,
  predictProbabilities,
} from './evaluate.js';
export { clipByGlobalNorm, clipByGlobalNormAsync } from './grad-clip.js';
export { type MemoryProbe, memoryProbe } from './memory-probe.js';
export { accuracy, logLoss, percentile } from './metrics.js';
export {
  type CheckpointWarning,
  type RestoreLatestOptions,
  restoreLatest,
} from './restore-latest.js';
export {
  checkSchedule,
  LR_DECAYS,
  type LrDecay,
  learningRate,
  type ScheduleOptions,
} from './schedule.js';
export { predict, SUBMISSION_HEADER, submissionCsv } from './submission.js';
export { type TrainOptions, type TrainResult, train } from './train.js';
export {
  type LossAndGrads,
  type TrainableModel,
  variableBytes,
  variableParams,
} from './trainable-model.js';
