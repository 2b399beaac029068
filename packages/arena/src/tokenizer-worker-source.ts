/**
 * The tokenizer pool's worker module, as a data: URL so that it needs no file of its own in
 * src (where tests run it) or dist. It builds the tokenizer once from the pool's workerData
 * (for hfTokenizer-based plugins a shared snapshot, see @gft/core's hf-bpe-snapshot.ts) and
 * then answers tasks. A failed build is reported by the first task rather than thrown while
 * the module loads: tinypool swallows load errors and retries the import as a file path,
 * which would hide the real message.
 */

export interface WorkerSpecData {
  url: string;
  exportName: string;
  options: unknown;
}

export type WorkerTask =
  | { op: 'ready'; barrier: Int32Array; workers: number; timeoutMs: number }
  | { op: 'encode'; first: number; items: string[] }
  | { op: 'decode'; first: number; items: Int32Array[] };

export interface WorkerReady {
  /** Milliseconds from the worker module's start to a tokenizer ready to encode. */
  setupMs: number;
  /** Whether the factory got a snapshot instead of something to read and parse. */
  fromSnapshot: boolean;
}

export function tokenizerWorkerUrl(tinypoolUrl: string): string {
  const source = `
import { Tinypool } from ${JSON.stringify(tinypoolUrl)};
const { url, exportName, options } = Tinypool.workerData;
const started = performance.now();
let setupMs = 0;
const tokenizer = (async () => {
  const mod = await import(url);
  const factory = mod[exportName] ?? mod.default?.[exportName];
  if (typeof factory !== 'function') throw new Error(url + ' has no export ' + exportName);
  const built = await factory(options);
  await built.setup?.();
  setupMs = performance.now() - started;
  return built;
})();
tokenizer.catch(() => {});

const preview = (item) => {
  const text = typeof item === 'string' ? JSON.stringify(item) : '[' + Array.from(item).join(',') + ']';
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
};

// Every worker holds its start task until all have one, so that each worker gets exactly one
// and the pool is ready only when all are.
function awaitOthers({ barrier, workers, timeoutMs }) {
  Atomics.add(barrier, 0, 1);
  Atomics.notify(barrier, 0);
  const deadline = Date.now() + timeoutMs;
  for (let seen = Atomics.load(barrier, 0); seen < workers; seen = Atomics.load(barrier, 0)) {
    if (Date.now() > deadline) throw new Error('only ' + seen + ' of ' + workers + ' workers started within ' + timeoutMs + ' ms');
    Atomics.wait(barrier, 0, seen, 100);
  }
}

export default async function run(task) {
  const built = await tokenizer;
  if (task.op === 'ready') {
    awaitOthers(task);
    return { setupMs, fromSnapshot: options != null && typeof options === 'object' && 'snapshot' in options };
  }
  const work = task.op === 'encode' ? (t) => built.encode(t) : (ids) => built.decode(ids);
  return task.items.map((item, i) => {
    try {
      return work(item);
    } catch (e) {
      throw new Error('cannot ' + task.op + ' item ' + (task.first + i) + ' ' + preview(item) + ': ' + (e?.message ?? e));
    }
  });
}
`;
  return `data:text/javascript,${encodeURIComponent(source)}`;
}
