/**
 * A tinypool of worker threads that encode and decode text with the same tokenizer, rebuilt
 * in each worker from `tokenizer.workerSpec()`. Results come back in input order. With
 * numWorkers 0 or 1 (or a tokenizer without a worker spec) it runs inline on this thread.
 * It knows nothing about prompts; see tokenize-arena.ts.
 */
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GftError, type Tokenizer, type TokenizerWorkerSpec } from '@gft/core';
import { messageOf } from './readers/bad-row.js';
import {
  tokenizerWorkerUrl,
  type WorkerReady,
  type WorkerSpecData,
  type WorkerTask,
} from './tokenizer-worker-source.js';

export interface TokenizerPoolOptions {
  /** Worker threads (seed: 4). 0 or 1 runs inline. */
  numWorkers?: number;
  /** Texts per message to a worker (default 32). */
  chunkSize?: number;
}

export interface TokenizerPoolStartup {
  /** Milliseconds from the call until every worker could encode. */
  ms: number;
  /** Each worker's own time to import and build its tokenizer. */
  workerSetupMs: number[];
  /** Whether every worker was built from a shared snapshot rather than the tokenizer's files. */
  fromSnapshot: boolean;
}

export interface TokenizerPool {
  /** Worker threads in use (0 = inline). */
  readonly workers: number;
  /** How the workers started; undefined inline. */
  readonly startup?: TokenizerPoolStartup;
  encodeMany(texts: readonly string[]): Promise<Int32Array[]>;
  decodeMany(ids: readonly Int32Array[]): Promise<string[]>;
  close(): Promise<void>;
}

export const DEFAULT_NUM_WORKERS = 4;

/** How long a worker may take to build its tokenizer before the pool gives up. */
const START_TIMEOUT_MS = 120_000;

/**
 * Resolves a worker spec's module to a URL: from here first, so that a spec naming
 * `@gft/core/tokenizers` loads the copy this pool's own @gft/core is (a snapshot is read by
 * the code that wrote it, not by another copy the project happens to have), then from the
 * working directory, where a project's own tokenizer plugins are.
 */
export function resolveWorkerModule(module: string): string {
  if (module.startsWith('file:')) return module;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  const bases = [import.meta.url, join(process.cwd(), 'noop.js')];
  for (const base of bases) {
    try {
      return pathToFileURL(createRequire(base).resolve(module)).href;
    } catch {
      // try the next base
    }
  }
  throw new GftError(
    'PLUGIN_LOAD_FAILED',
    `tokenizer worker: cannot resolve module '${module}' from @gft/arena or ${process.cwd()}; ` +
      'install it where the run starts, or use numWorkers: 0',
    { where: module },
  );
}

function inlinePool(tokenizer: Tokenizer): TokenizerPool {
  return {
    workers: 0,
    encodeMany: async (texts) => texts.map((t) => tokenizer.encode(t)),
    decodeMany: async (ids) => ids.map((i) => tokenizer.decode(i)),
    close: async () => {},
  };
}

/**
 * Starts `numWorkers` tinypool workers, each building the tokenizer from
 * `tokenizer.workerSpec()` (for hfTokenizer-based plugins a snapshot shared with every
 * worker, so none re-reads or re-parses the tokenizer.json), and resolves once all are ready.
 */
export async function createTokenizerPool(
  tokenizer: Tokenizer,
  options: TokenizerPoolOptions = {},
): Promise<TokenizerPool> {
  const numWorkers = options.numWorkers ?? DEFAULT_NUM_WORKERS;
  if (!Number.isInteger(numWorkers) || numWorkers < 0) {
    throw new GftError('BAD_CONFIG', `numWorkers must be an integer >= 0, got ${numWorkers}`, {
      where: 'numWorkers',
    });
  }
  await tokenizer.setup?.();
  if (numWorkers <= 1 || !tokenizer.workerSpec) return inlinePool(tokenizer);
  const started = performance.now();
  const spec: TokenizerWorkerSpec = tokenizer.workerSpec();
  const url = resolveWorkerModule(spec.module);
  const chunkSize = options.chunkSize ?? 32;
  const label = `tokenizer worker (${spec.module}#${spec.exportName})`;
  const { Tinypool } = await import('tinypool');
  const pool = new Tinypool({
    filename: tokenizerWorkerUrl(
      pathToFileURL(createRequire(import.meta.url).resolve('tinypool')).href,
    ),
    minThreads: numWorkers,
    maxThreads: numWorkers,
    workerData: {
      url,
      exportName: spec.exportName,
      options: spec.options,
    } satisfies WorkerSpecData,
  });

  const barrier = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  let ready: WorkerReady[];
  try {
    ready = await Promise.all(
      Array.from(
        { length: numWorkers },
        () =>
          pool.run({
            op: 'ready',
            barrier,
            workers: numWorkers,
            timeoutMs: START_TIMEOUT_MS,
          } satisfies WorkerTask) as Promise<WorkerReady>,
      ),
    );
  } catch (cause) {
    await pool.destroy();
    throw new GftError('PLUGIN_LOAD_FAILED', `${label} failed to start: ${messageOf(cause)}`, {
      cause,
      where: `tokenizer '${tokenizer.name}'`,
    });
  }
  const startup: TokenizerPoolStartup = {
    ms: performance.now() - started,
    workerSetupMs: ready.map((r) => r.setupMs),
    fromSnapshot: ready.every((r) => r.fromSnapshot),
  };

  let closed = false;
  const run = async <T>(op: 'encode' | 'decode', items: readonly unknown[]): Promise<T[]> => {
    if (closed) throw new GftError('INTERNAL', `${label}: the pool is closed`);
    const chunks: Promise<T[]>[] = [];
    for (let first = 0; first < items.length; first += chunkSize) {
      const task = { op, first, items: items.slice(first, first + chunkSize) } as WorkerTask;
      chunks.push(
        pool.run(task).catch((cause: unknown) => {
          throw new GftError('BAD_INPUT', `${label}: ${messageOf(cause)}`, {
            cause,
            where: `${op} item ${first}..${Math.min(first + chunkSize, items.length) - 1}`,
          });
        }),
      );
    }
    return (await Promise.all(chunks)).flat();
  };

  return {
    workers: numWorkers,
    startup,
    encodeMany: (texts) => run<Int32Array>('encode', texts),
    decodeMany: (ids) => run<string>('decode', ids),
    async close() {
      if (closed) return;
      closed = true;
      await pool.destroy();
    },
  };
}
