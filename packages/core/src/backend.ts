/**
 * The backend contract: where tensors live and which kernels run. A backend selects a
 * tfjs backend and may register faster implementations of gft's fused kernels for it.
 */
import type { PluginBase } from './plugin.js';

export interface BackendMemory {
  /** Bytes the tfjs engine holds in tensors now. */
  tensorBytes: number;
  /** Bytes the backend has reserved (wasm heap, GPU buffers), when it can tell. */
  reservedBytes?: number;
  /** Most bytes in tensors at once since the last `resetPeakMemory`, when the backend counts it. */
  peakBytes?: number;
  /**
   * Most bytes the backend's allocator held from the system at once (blocks in use at their
   * capacity plus blocks cached for reuse) since the last `resetPeakMemory`.
   */
  peakHeldBytes?: number;
}

export interface Backend extends PluginBase<'backend'> {
  /** Name of the tfjs backend this plugin selects (`wasm`, `webgpu`, `cpu`, ...). */
  readonly tfBackend: string;
  /**
   * Registers the tfjs backend and this plugin's kernels, then selects the backend.
   * Idempotent: a second call in the same process returns at once.
   */
  setup(): Promise<void>;
  /** Fused kernels this backend implements natively (the rest use the generic versions). */
  readonly fusedKernels?: readonly string[];
  /** Kernels this backend cannot run at all, not even the generic versions. */
  readonly unsupportedKernels?: readonly string[];
  /**
   * Whether `setup()` can succeed here, without doing it (a native addon that did not build,
   * no GPU adapter): lets a tool choose a default backend and say why it skipped one.
   */
  availability?(): { ok: true } | { ok: false; reason: string };
  memory?(): BackendMemory;
  /** Restarts the peaks `memory()` reports (a runner calls it before each step it measures). */
  resetPeakMemory?(): void;
  /** Facts for reports: threads, SIMD, adapter name. */
  describe?(): Record<string, string | number | boolean>;
}
