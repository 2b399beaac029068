/**
 * @gft/arena: LMSYS Chatbot Arena data for gft: readers (CSV, JSONL, Parquet), the judge
 * prompt with turn-aware truncation, A/B swap, grouped k-fold splits, the tokenizer worker
 * pool, the loader (batches -> micro-batches), synthetic data and micro-batch previews.
 */
export {
  ARENA_CSV_HEADER,
  type ArenaRawRow,
  arenaRowsToCsv,
  recordToArenaRow,
} from './arena-row.js';
export {
  type BatchingStats,
  type BatchingStatsOptions,
  batchingStats,
} from './batching-stats.js';
export {
  type ArenaDataStats,
  arenaDataStats,
  type LengthDistribution,
  lengthDistribution,
  type StatsRow,
} from './data-stats.js';
export {
  buildJudgeRow,
  DEFAULT_MAX_SEQUENCE_LENGTH,
  formatJudgePrompt,
  type JudgePiece,
  type JudgePromptOptions,
  type JudgeRow,
  judgePieces,
  type PieceRole,
  resolveTemplate,
} from './judge-prompt.js';
export {
  DEFAULT_JUDGE_INSTRUCTION,
  DEFAULT_JUDGE_TEMPLATE,
  type JudgeTemplate,
  VERDICT_TOKENS,
} from './judge-template.js';
export {
  createLoader,
  DEFAULT_BATCH_SIZE,
  DEFAULT_MAX_TOKENS,
  type Loader,
  type LoaderBatch,
  type LoaderOptions,
} from './loader.js';
export {
  formatPreview,
  type MicroBatchPreview,
  previewMicroBatch,
  previewMicroBatches,
} from './preview.js';
export { createRng, type Rng, shuffledIndices } from './random.js';
export {
  type ArenaFormat,
  type ArenaReadReport,
  arenaFormatOf,
  type ReadArenaOptions,
  readArena,
  readArenaAll,
} from './read-arena.js';
export {
  type BadRow,
  BadRowError,
  describeBadRow,
  type OnBadRow,
  whereOf,
} from './readers/bad-row.js';
export type { LabelRequirement } from './readers/labels.js';
export {
  DEFAULT_MAX_FIELD_CHARS,
  type ParseRowOptions,
  parseArenaRow,
  RowProblem,
} from './readers/parse-row.js';
export {
  ARENA_COLUMNS,
  type ArenaLabel,
  type ArenaRecord,
  LABEL_COLUMNS,
  labelClass,
  REQUIRED_COLUMNS,
  turnCount,
} from './record.js';
export {
  type ArenaFold,
  assignFolds,
  type KFoldOptions,
  kFoldSplits,
  promptGroups,
} from './splits.js';
export { swapLabel, swapRecord } from './swap.js';
export {
  MARKER_WORD,
  type SyntheticOptions,
  syntheticArena,
  syntheticArenaRows,
  WORDS,
} from './synthetic.js';
export { type TokenizeArenaOptions, tokenizeArena } from './tokenize-arena.js';
export {
  createTokenizerPool,
  DEFAULT_NUM_WORKERS,
  resolveWorkerModule,
  type TokenizerPool,
  type TokenizerPoolOptions,
  type TokenizerPoolStartup,
} from './tokenizer-pool.js';
export {
  MIN_TOKENS_PER_PIECE,
  type PlanPiece,
  planTruncation,
  type TruncationPlan,
} from './truncation.js';
export { type VerdictTokenIds, verdictTokenIds } from './verdict-token-ids.js';
