/**
 * The built-in `wasm` backend plugin: tfjs-backend-wasm (XNNPACK, SIMD), made fit for
 * training by `setup`: the missing `UnsortedSegmentSum`, matmuls that always reach
 * XNNPACK, an Identity that shares buffers, a heap-exhaustion guard, and optionally two
 * threads in Node. Not a new backend: tensors and all other kernels are stock tfjs-wasm,
 * which loads when `setup` first runs.
 */
import type { Backend } from '../../backend.js';
import { GftError } from '../../errors/gft-error.js';
import { tf } from '../../tf.js';
import { installWasmKernels, wasmKernelChanges } from './kernel-overrides.js';
import { loadTfjsWasm } from './load-tfjs-wasm.js';
import { guardMalloc } from './malloc-guard.js';
import { heapBytes, liveWasmBackend, wasmInternals } from './wasm-internals.js';
import { defaultThreads, type ThreadsOutcome, useThreadedWasm } from './wasm-threads.js';

export interface WasmBackendOptions {
  /**
   * XNNPACK threads. 1 runs the stock single-threaded build. More than 1 starts the
   * threaded wasm build in Node (worker_threads), which tfjs 4.22 does not do by itself;
   * on any failure it falls back to 1 thread and logs why. Default: see `defaultThreads`.
   * Takes effect only if the wasm backend has not been initialised yet in this process.
   */
  threads?: number;
  /** Where the fallback reason goes (default `console.warn`). */
  log?: (message: string) => void;
}

export function wasmBackend(options: WasmBackendOptions = {}): Backend {
  const requested = options.threads;
  if (requested !== undefined && !(Number.isInteger(requested) && requested >= 1)) {
    throw new GftError(
      'BAD_CONFIG',
      `wasmBackend: options.threads must be a positive integer (1 = single-threaded), got ${requested}`,
      { where: 'wasmBackend options.threads' },
    );
  }
  const log = options.log ?? ((message: string) => console.warn(message));
  let simd: boolean | undefined;
  let threads: ThreadsOutcome | undefined;
  return {
    kind: 'backend',
    name: 'wasm',
    tfBackend: 'wasm',
    async setup() {
      // The stock backend and kernels first: the overrides replace some, threads its factory.
      await loadTfjsWasm();
      installWasmKernels();
      if (tf.getBackend() !== 'wasm') {
        threads ??= await useThreadedWasm(options.threads ?? defaultThreads(), log);
        const ok = await tf.setBackend('wasm');
        if (!ok) {
          throw new GftError(
            'BACKEND_UNAVAILABLE',
            "wasm backend: tf.setBackend('wasm') failed (see the warning above for the cause)",
            { where: 'backends/wasm' },
          );
        }
      }
      await tf.ready();
      guardMalloc(wasmInternals().wasm);
      simd ??= (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
    },
    memory() {
      const backend = liveWasmBackend();
      return {
        tensorBytes: tf.memory().numBytes,
        reservedBytes: backend !== undefined ? heapBytes(backend.wasm) : undefined,
      };
    },
    describe() {
      const facts: Record<string, string | number | boolean> = {};
      const backend = liveWasmBackend();
      if (backend !== undefined) facts.threads = backend.wasm.tfjs.getThreadsCount();
      if (simd !== undefined) facts.simd = simd;
      if (threads?.fallbackReason !== undefined) facts.threadsFallback = threads.fallbackReason;
      const { replaced, added } = wasmKernelChanges();
      facts.kernelsReplaced = replaced.join(',');
      facts.kernelsAdded = added.join(',');
      return facts;
    },
  };
}
