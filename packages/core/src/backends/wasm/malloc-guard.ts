/**
 * Turns wasm heap exhaustion into a clean `GftError('OUT_OF_MEMORY')`.
 *
 * tfjs-backend-wasm never checks emscripten's `_malloc` for 0: a failed allocation lands
 * at offset 0 and the next write corrupts whatever tensors live there, silently. Worse,
 * near the 4 GiB ceiling this build's `malloc` can return a block that runs past the end
 * of linear memory (its break pointer wraps at 2^32): a JS view of it throws RangeError
 * and a C++ kernel writing it traps with `RuntimeError: memory access out of bounds` (what
 * a binary kernel's output hit on the first exhaustion of a Gemma step). The guard wraps
 * the module's `_malloc`: a 0 result or a block not inside memory throws before anything
 * is written, and such a block is never freed (dlmalloc would hand it out again).
 *
 * The C++ side allocates too, unguarded: `register_tensor` inserts a tensor-map node right
 * after each tensor's buffer is allocated, XNNPACK packs matmul weights into fresh
 * buffers, and a failed `new` there (built without exceptions) returns null. So a JS
 * allocation also needs `CPP_HEADROOM_BYTES` more to be allocatable after it (probed with
 * a malloc/free pair): the heap runs out on the JS side, where it is caught, first.
 */
import { GftError } from '../../errors/gft-error.js';
import { tf } from '../../tf.js';
import { heapBytes, type WasmModule } from './wasm-internals.js';

/** wasm32 addresses at most 4 GiB; tfjs-backend-wasm 4.22 is built to grow that far. */
export const WASM_MAX_HEAP_BYTES = 4 * 1024 ** 3;

/**
 * Contiguous bytes kept allocatable for C++ after every JS allocation: XNNPACK's largest
 * packed weights in a Gemma `small` step (16 MiB for a [4096, 1024] operand) plus the
 * tensor map's bucket array.
 */
export const CPP_HEADROOM_BYTES = 20 * 1024 ** 2;

/** Blocks malloc returned outside linear memory: kept allocated so they are never reused. */
const quarantined: number[] = [];

const guarded = new WeakSet<WasmModule>();

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;

/** Installs the guard on `wasm` once; later calls return at once. */
export function guardMalloc(wasm: WasmModule): void {
  if (guarded.has(wasm)) return;
  // Emscripten's first call of `_malloc` replaces `Module._malloc` with the raw export,
  // which would drop a wrapper installed before it: warm it up first.
  wasm._free(wasm._malloc(16));
  const raw = wasm._malloc.bind(wasm);
  const free = wasm._free.bind(wasm);
  /** `raw(n)` if the block lies inside memory, else 0 (an outside block is quarantined). */
  const allocate = (n: number): number => {
    const ptr = raw(n);
    if (ptr === 0) return 0;
    if ((ptr >>> 0) + n > heapBytes(wasm)) {
      quarantined.push(ptr);
      return 0;
    }
    return ptr;
  };
  wasm._malloc = (bytes: number): number => {
    const ptr = allocate(bytes);
    if (ptr === 0 && bytes > 0) throw outOfMemory(wasm, bytes);
    // dlmalloc takes the probe from the top chunk or a free block and coalesces it back
    // on free: two O(1) calls, and the heap grows by at most the headroom once.
    const probe = allocate(CPP_HEADROOM_BYTES);
    if (probe === 0) {
      free(ptr);
      throw outOfMemory(wasm, bytes);
    }
    free(probe);
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
      `tensors hold ${mib(tf.memory().numBytes)}; ${mib(CPP_HEADROOM_BYTES)} stay reserved for ` +
      'the C++ side. Lower maxTokens (smaller micro-batches), ' +
      'enable activation checkpointing, or dispose tensors no longer needed. Tensors ' +
      'allocated before this one are intact.',
    { where: 'backends/wasm (malloc)' },
  );
}
