/**
 * Turns wasm heap exhaustion into a clean `GftError('OUT_OF_MEMORY')`.
 *
 * tfjs-backend-wasm never checks emscripten's `_malloc` for 0: a failed allocation lands
 * at offset 0 and the next write corrupts whatever tensors live there, silently. The
 * guard wraps the module's `_malloc` so a 0 result throws before anything is written;
 * tensors allocated earlier stay intact. Allocations made inside C++ (XNNPACK scratch)
 * do not go through this path and are not covered.
 */
import { GftError } from '../../errors/gft-error.js';
import { tf } from '../../tf.js';
import { heapBytes, type WasmModule } from './wasm-internals.js';

/** wasm32 addresses at most 4 GiB; tfjs-backend-wasm 4.22 is built to grow that far. */
export const WASM_MAX_HEAP_BYTES = 4 * 1024 ** 3;

const guarded = new WeakSet<WasmModule>();

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/** Installs the guard on `wasm` once; later calls return at once. */
export function guardMalloc(wasm: WasmModule): void {
  if (guarded.has(wasm)) return;
  // Emscripten's first call of `_malloc` replaces `Module._malloc` with the raw export,
  // which would drop a wrapper installed before it: warm it up first.
  wasm._free(wasm._malloc(16));
  const raw = wasm._malloc.bind(wasm);
  wasm._malloc = (bytes: number): number => {
    const ptr = raw(bytes);
    if (ptr === 0 && bytes > 0) throw outOfMemory(wasm, bytes);
    return ptr;
  };
  guarded.add(wasm);
}

function outOfMemory(wasm: WasmModule, bytes: number): GftError {
  const requested = bytes >>> 0;
  return new GftError(
    'OUT_OF_MEMORY',
    `wasm heap exhausted: could not allocate ${mib(requested)} (${requested} bytes) for a ` +
      `tensor; the heap is ${mib(heapBytes(wasm))} of at most ${mib(WASM_MAX_HEAP_BYTES)}, ` +
      `tensors hold ${mib(tf.memory().numBytes)}. Lower maxTokens (smaller micro-batches), ` +
      'enable activation checkpointing, or dispose tensors no longer needed. Tensors ' +
      'allocated before this one are intact.',
    { where: 'backends/wasm (malloc)' },
  );
}
