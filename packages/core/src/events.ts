/**
 * Typed run events: the runner emits them, reporters (progress bar, JSONL, Markdown, HTML)
 * consume them. Every event carries `type` and a wall-clock `time` (ms since epoch).
 */

export interface RunStartEvent {
  type: 'run-start';
  time: number;
  runId: string;
  /** kind -> plugin name */
  plugins: Record<string, string>;
  config: Record<string, unknown>;
  trainableParams: number;
  trainableBytes: number;
  frozenBytes: number;
  optimizerBytes: number;
}

export interface StepEvent {
  type: 'step';
  time: number;
  step: number;
  totalSteps: number;
  loss: number;
  learningRate: number;
  microBatches: number;
  rows: number;
  realTokens: number;
  computedTokens: number;
  /** Token rows of this step's largest micro-batch (padding included): what its peak scales with. */
  largestMicroBatchTokens: number;
  stepMs: number;
  /** Real tokens (padding excluded) per second of this step. */
  tokensPerSecond: number;
  /** tfjs engine bytes at the peak of this step. */
  peakTensorBytes: number;
  /** Bytes the backend had reserved at the peak (wasm heap, GPU buffers), when it reports them. */
  peakReservedBytes?: number;
  /** The backend's own count of the most tensor bytes at once, when it keeps one (exact). */
  peakBackendBytes?: number;
  /** The most bytes the backend's allocator held (in use + cached), when it keeps one. */
  peakHeldBytes?: number;
  /** Peak process RSS of this step (the kernel's high-water mark on Linux). */
  rssBytes: number;
  /** Live tfjs tensors after the step: flat across steps, or something leaks. */
  numTensors: number;
  gradNorm?: number;
  warmup: boolean;
}

export interface EvalEvent {
  type: 'eval';
  time: number;
  step: number;
  rows: number;
  logLoss: number;
  accuracy: number;
  swapAveraged: boolean;
}

export interface CheckpointEvent {
  type: 'checkpoint';
  time: number;
  step: number;
  path: string;
}

export interface RunSummary {
  steps: number;
  realTokensPerSecond: number;
  computedTokensPerSecond: number;
  paddingRatio: number;
  stepMsP50: number;
  stepMsP90: number;
  peakTensorBytes: number;
  /** See `StepEvent.largestMicroBatchTokens`; the maximum over the run's steps. */
  largestMicroBatchTokens?: number;
  /** See `StepEvent.peakBackendBytes`; the maximum over the run's steps. */
  peakBackendBytes?: number;
  /** See `StepEvent.peakHeldBytes`; the maximum over the run's steps. */
  peakHeldBytes?: number;
  peakRssBytes: number;
  finalLoss: number;
  evalLogLoss?: number;
  evalAccuracy?: number;
}

export interface RunEndEvent {
  type: 'run-end';
  time: number;
  summary: RunSummary;
}

export interface RunErrorEvent {
  type: 'run-error';
  time: number;
  code: string;
  message: string;
  step?: number;
}

/** Something the run recovered from but the user should know (a damaged checkpoint skipped). */
export interface WarningEvent {
  type: 'warning';
  time: number;
  message: string;
  /** The file, checkpoint, tensor or field concerned. */
  where?: string;
}

export type RunEvent =
  | RunStartEvent
  | WarningEvent
  | StepEvent
  | EvalEvent
  | CheckpointEvent
  | RunEndEvent
  | RunErrorEvent;

export type RunEventListener = (event: RunEvent) => void;
