/**
 * A pool of worker threads that encode and decode text with the same tokenizer, rebuilt in
 * each worker from `tokenizer.workerSpec()`. Results come back in input order. With
 * numWorkers 0 or 1 (or a tokenizer without a worker spec) it runs inline on this thread.
 * It knows nothing about prompts; see tokenize-arena.ts.
 */
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GftError, type Tokenizer, type TokenizerWorkerSpec } from '@gft/core';

export interface TokenizerPoolOptions {
  /** Worker threads (seed: 4). 0 or 1 runs inline. */
  numWorkers?: number;
  /** Texts per message to a worker (default 32). */
  chunkSize?: number;
}

export interface TokenizerPool {
  /** Worker threads in use (0 = inline). */
  readonly workers: number;
  encodeMany(texts: readonly string[]): Promise<Int32Array[]>;
  decodeMany(ids: readonly Int32Array[]): Promise<string[]>;
  close(): Promise<void>;
}

export const DEFAULT_NUM_WORKERS = 4;

// Runs as an eval'd CommonJS worker, so it needs no file of its own in dist or src.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const mod = await import(workerData.url);
  const factory = mod[workerData.exportName] ?? (mod.default && mod.default[workerData.exportName]);
  if (typeof factory !== 'function') throw new Error(workerData.url + ' has no export ' + workerData.exportName);
  const tokenizer = await factory(workerData.options);
  if (tokenizer.setup) await tokenizer.setup();
  parentPort.on('message', ({ job, op, items }) => {
    try {
      if (op === 'encode') {
        const out = items.map((t) => tokenizer.encode(t));
        parentPort.postMessage({ job, out }, out.map((a) => a.buffer));
      } else {
        parentPort.postMessage({ job, out: items.map((ids) => tokenizer.decode(ids)) });
      }
    } catch (e) {
      parentPort.postMessage({ job, error: String(e && e.stack || e) });
    }
  });
  parentPort.postMessage({ ready: true });
})().catch((e) => parentPort.postMessage({ fatal: String(e && e.stack || e) }));
`;

/** Resolves a worker spec's module to a URL: from the working directory, then from here. */
export function resolveWorkerModule(module: string): string {
  if (module.startsWith('file:')) return module;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  const bases = [join(process.cwd(), 'noop.js'), import.meta.url];
  for (const base of bases) {
    try {
      return pathToFileURL(createRequire(base).resolve(module)).href;
    } catch {
      // try the next base
    }
  }
  throw new GftError(
    'PLUGIN_LOAD_FAILED',
    `tokenizer worker: cannot resolve module '${module}' from ${process.cwd()} or @gft/arena; ` +
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

interface Job {
  op: 'encode' | 'decode';
  items: unknown[];
  resolve: (out: unknown[]) => void;
  reject: (err: unknown) => void;
}

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
  const spec: TokenizerWorkerSpec = tokenizer.workerSpec();
  const url = resolveWorkerModule(spec.module);
  const chunkSize = options.chunkSize ?? 32;

  const queue: Job[] = [];
  const running = new Map<number, Job>();
  const idle: Worker[] = [];
  let nextJob = 0;
  let failure: GftError | undefined;
  const fail = (message: string): void => {
    failure ??= new GftError(
      'PLUGIN_LOAD_FAILED',
      `tokenizer worker (${spec.module}#${spec.exportName}): ${message}`,
      { where: `tokenizer '${tokenizer.name}'` },
    );
    for (const job of [...running.values(), ...queue.splice(0)]) job.reject(failure);
    running.clear();
  };
  const pump = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop()!;
      const job = queue.shift()!;
      const id = nextJob++;
      running.set(id, job);
      workerJob.set(worker, id);
      worker.postMessage({ job: id, op: job.op, items: job.items });
    }
  };
  const workerJob = new Map<Worker, number>();
  const created: Worker[] = [];

  const workers = await Promise.all(
    Array.from(
      { length: numWorkers },
      () =>
        new Promise<Worker>((resolve, reject) => {
          const worker = new Worker(WORKER_SOURCE, {
            eval: true,
            workerData: { url, exportName: spec.exportName, options: spec.options },
          });
          created.push(worker);
          worker.on(
            'message',
            (msg: {
              ready?: true;
              fatal?: string;
              job?: number;
              out?: unknown[];
              error?: string;
            }) => {
              if (msg.ready) {
                resolve(worker);
                return;
              }
              if (msg.fatal) {
                reject(
                  new GftError(
                    'PLUGIN_LOAD_FAILED',
                    `tokenizer worker failed to start: ${msg.fatal}`,
                  ),
                );
                return;
              }
              const job = running.get(msg.job!);
              running.delete(msg.job!);
              idle.push(worker);
              if (job) {
                if (msg.error)
                  job.reject(new GftError('INTERNAL', `tokenizer worker: ${msg.error}`));
                else job.resolve(msg.out!);
              }
              pump();
            },
          );
          worker.on('error', (err) => {
            reject(err);
            fail(err.message);
          });
        }),
    ),
  ).catch(async (err) => {
    await Promise.all(created.map((w) => w.terminate()));
    throw GftError.isInstance(err)
      ? err
      : new GftError(
          'PLUGIN_LOAD_FAILED',
          `tokenizer worker failed to start: ${(err as Error).message}`,
          { cause: err },
        );
  });
  idle.push(...workers);

  const run = async <T>(op: Job['op'], items: readonly unknown[]): Promise<T[]> => {
    if (failure) throw failure;
    const chunks: Promise<unknown[]>[] = [];
    for (let i = 0; i < items.length; i += chunkSize) {
      chunks.push(
        new Promise((resolve, reject) => {
          queue.push({ op, items: items.slice(i, i + chunkSize), resolve, reject });
        }),
      );
    }
    pump();
    return (await Promise.all(chunks)).flat() as T[];
  };

  return {
    workers: numWorkers,
    encodeMany: (texts) => run<Int32Array>('encode', texts),
    decodeMany: (ids) => run<string>('decode', ids),
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
