/**
 * Starts tfjs-backend-wasm's threaded SIMD build in Node, which tfjs 4.22 never does
 * itself (its WASM_HAS_MULTITHREAD_SUPPORT flag is hard-coded false in Node, tfjs issue
 * 3830, and its worker script is handed to emscripten as a blob URL Node cannot load).
 *
 * What it does instead: writes emscripten's pthread worker script and the module's main
 * script to (content-named) temp files, runs the threaded module factory with those
 * paths, and re-registers the `wasm` backend factory to build a `BackendWasm` on that
 * module. It rests on emscripten internals of the pinned 4.22 build (worker script shape,
 * `mainScriptUrlOrBlob`, `wasmMemory`, `PThread`, the os.cpus()/2 thread cap), so each
 * step is checked and a failure to start falls back to the stock single-threaded build
 * with the reason logged. A failure after start (a hung worker) cannot fall back, which
 * is why threads stay opt-in. Browsers are left to tfjs (they need cross-origin isolation).
 */
import { tf } from '../../tf.js';
import { loadTfjsWasm } from './load-tfjs-wasm.js';
import { liveWasmBackend, type WasmModule } from './wasm-internals.js';

export interface ThreadsOutcome {
  /** Threads requested for XNNPACK after fallback (1 = stock build). */
  threads: number;
  /** Why the threaded build was not used, when it was asked for and failed. */
  fallbackReason?: string;
}

const IS_NODE = typeof process === 'object' && process.versions?.node !== undefined;
/** How long the threaded module (8 pooled workers, each instantiating the wasm) may take. */
const START_TIMEOUT_MS = 20_000;
const WASM_PRIORITY = 2; // tfjs-backend-wasm's own priority

/**
 * The default thread count: 1. The threaded build works where measured (2 threads gave
 * ~2x matmul throughput) but depends on emscripten internals; opt in with `threads: 2`.
 */
export function defaultThreads(): number {
  return 1;
}

let started: Promise<ThreadsOutcome> | undefined;

/**
 * Arranges for the next initialisation of the `wasm` backend to use `threads` XNNPACK
 * threads. Call before `tf.setBackend('wasm')`; once per process (later calls return the
 * first outcome).
 */
export function useThreadedWasm(
  threads: number,
  log: (message: string) => void,
): Promise<ThreadsOutcome> {
  started ??= start(threads, log);
  return started;
}

async function start(threads: number, log: (message: string) => void): Promise<ThreadsOutcome> {
  const { BackendWasm, setThreadsCount } = await loadTfjsWasm();
  if (!Number.isInteger(threads) || threads < 1) {
    const reason = `threads must be a positive integer, got ${threads}`;
    log(`gft wasm backend: ${reason}; using 1 thread`);
    return { threads: 1, fallbackReason: reason };
  }
  if (threads === 1 || !IS_NODE) {
    if (!IS_NODE) setThreadsCount(threads);
    return { threads };
  }
  if (liveWasmBackend() !== undefined) {
    const reason = 'the wasm backend was already initialised in this process';
    log(`gft wasm backend: ${threads} threads not started (${reason}); using its current build`);
    return { threads: 1, fallbackReason: reason };
  }
  let module: ThreadedModule | undefined;
  try {
    module = await withTimeout(instantiateThreaded(threads), START_TIMEOUT_MS);
    const wasm = module;
    setThreadsCount(threads);
    tf.removeBackend('wasm');
    tf.registerBackend(
      'wasm',
      () => {
        const backend = new BackendWasm(wasm as never);
        // XNNPACK's pool threads live as long as the backend and emscripten ref()s the
        // workers running them, which would keep Node from ever exiting. They only work
        // while the main thread waits on them, so they need not hold the process.
        for (const worker of wasm.PThread?.runningWorkers ?? []) worker.unref?.();
        const actual = wasm.tfjs.getThreadsCount();
        if (actual !== threads) {
          log(`gft wasm backend: asked XNNPACK for ${threads} threads, it runs ${actual}`);
        }
        return backend;
      },
      WASM_PRIORITY,
    );
    return { threads };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    module?.PThread?.terminateAllThreads();
    setThreadsCount(1);
    log(`gft wasm backend: the threaded wasm build failed to start (${reason}); using 1 thread`);
    return { threads: 1, fallbackReason: reason };
  }
}

interface ThreadedModule extends WasmModule {
  wasmMemory: WebAssembly.Memory;
  PThread?: { terminateAllThreads(): void; runningWorkers?: { unref?(): void }[] };
}

type Factory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

const BUILD = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd';

async function instantiateThreaded(threads: number): Promise<ThreadedModule> {
  const { existsSync, readFileSync, renameSync, writeFileSync } = await import('node:fs');
  const { createHash } = await import('node:crypto');
  const nodeOs = await import('node:os');
  const { join } = await import('node:path');
  // Both files are CommonJS; a dynamic import works from the ESM and the CJS build alike.
  const main = (await import(`${BUILD}.js`)) as { default?: Factory };
  const worker = (await import(`${BUILD}.worker.js`)) as {
    wasmWorkerContents?: string;
    default?: { wasmWorkerContents?: string };
  };
  const factory = main.default ?? (main as unknown as Factory);
  const workerContents = worker.wasmWorkerContents ?? worker.default?.wasmWorkerContents;
  if (typeof factory !== 'function' || typeof workerContents !== 'string') {
    throw new Error('unexpected shape of the tfjs-backend-wasm threaded build files');
  }
  // Each worker loads the worker script, then `importScripts` (fs.readFileSync + eval in
  // Node) the main script. Both go to files named by content, so every process shares
  // one copy and no run leaves its own behind; written under a unique name then renamed,
  // so a concurrent reader never sees half a file.
  const writeShared = (name: string, text: string): string => {
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
    const path = join(nodeOs.tmpdir(), `gft-tfjs-wasm-${name}-${hash}.js`);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) {
      const partial = `${path}.${process.pid}.tmp`;
      writeFileSync(partial, text);
      renameSync(partial, path);
    }
    return path;
  };
  // The worker script is one minified line whose string escapes the template literal
  // turned into real newlines; put them back, as tfjs does for its blob.
  const workerPath = writeShared('worker', workerContents.replace(/\n/g, '\\n'));
  // The factory's own source, bound to the global name the worker calls (tfjs's blob too).
  const mainPath = writeShared(
    'main',
    `var WasmBackendModuleThreadedSimd = ${factory.toString()};`,
  );

  // The C++ side caps threads at os.cpus().length / 2 (it assumes two hyperthreads per
  // core), read once while the module starts: report enough CPUs for `threads` then.
  // `default` is the object the build's own `require("os")` returns.
  const os = nodeOs.default as unknown as { cpus: () => unknown[] };
  const realCpus = os.cpus;
  os.cpus = () => {
    const cpus = realCpus.call(os);
    while (cpus.length < 2 * threads) cpus.push(cpus[0]);
    return cpus;
  };
  let abortReason: string | undefined;
  let module: ThreadedModule;
  try {
    module = await factory({
      locateFile: (path: string, prefix: string) =>
        path.endsWith('.worker.js') ? workerPath : prefix + path,
      mainScriptUrlOrBlob: mainPath,
      onAbort: (what: unknown) => {
        abortReason = String(what);
      },
    });
  } finally {
    os.cpus = realCpus;
  }
  if (abortReason !== undefined) throw new Error(`aborted: ${abortReason}`);
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  } as unknown as WasmModule['tfjs'];
  keepHeapViewFresh(module);
  return module;
}

/**
 * Shared memory can be grown by any thread, and emscripten refreshes `Module.HEAPU8`
 * only on the thread that grew it; tfjs reads `HEAPU8` directly. A getter that re-wraps
 * the current buffer keeps every read in bounds.
 */
function keepHeapViewFresh(module: ThreadedModule): void {
  let view = module.HEAPU8;
  Object.defineProperty(module, 'HEAPU8', {
    configurable: true,
    get: () => {
      const buffer = module.wasmMemory.buffer;
      if (view.buffer !== buffer) view = new Uint8Array(buffer);
      return view;
    },
    set: (next: Uint8Array) => {
      view = next;
    },
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
