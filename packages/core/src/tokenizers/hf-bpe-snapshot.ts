/**
 * A loaded byte-pair-encoding tokenizer in a form that other threads rebuild in milliseconds
 * instead of re-reading and re-parsing its tokenizer.json. Measured on the 17.5 MB Gemma-2
 * file, a worker spent ~0.1 s reading, ~0.4 s in JSON.parse and ~1.0 s in the library's
 * constructor, most of it splitting 580k merges, JSON.stringify-ing each pair and filling a
 * Map keyed by those strings. Here the merges become one open-addressing table of
 * (left id, right id) -> rank in a SharedArrayBuffer that every worker reads without copying,
 * and the vocabulary one string plus end offsets; a worker only slices the vocabulary back
 * into a Map.
 *
 * It relies on @huggingface/tokenizers 0.2.0's BPE model fields (vocab, tokens_to_ids,
 * merges, add_node), so `snapshotHfBpe` returns undefined for anything it cannot copy
 * exactly, and callers fall back to rebuilding from the file.
 */

/** Structured-cloneable; the two Int32Arrays live in SharedArrayBuffers. */
export interface HfBpeSnapshot {
  readonly format: 'gft-hf-bpe/1';
  /** The tokenizer.json without model.vocab and model.merges (a few kB). */
  readonly json: object;
  /** tokenizer_config.json content given to the tokenizer. */
  readonly config: object;
  /** Every vocabulary token, by id, concatenated. */
  readonly tokens: string;
  /** tokens.slice(tokenEnds[i - 1] ?? 0, tokenEnds[i]) is token i. */
  readonly tokenEnds: Int32Array;
  /** [left, right, rank] triples; left -1 marks an empty slot. Length a power of two times 3. */
  readonly mergeTable: Int32Array;
}

/** The parts of the library's BPE model this file reads and replaces. */
interface BpeModelFields {
  vocab: string[];
  tokens_to_ids: Map<string, number>;
  merges: [string, string][];
  bpe_ranks: Map<string, number>;
  unk_token?: string;
  unk_token_id?: number;
  add_node(queue: { push(node: BpeNode): void }, node: BpeNode): void;
}

interface BpeNode {
  token: string;
  bias: number;
  score?: number;
  next: BpeNode | null;
}

interface LibraryTokenizer {
  model: unknown;
  added_tokens: { content: string; id: number }[];
}

function bpeModelOf(tokenizer: unknown): BpeModelFields | undefined {
  const model = (tokenizer as LibraryTokenizer | undefined)?.model as
    | Partial<BpeModelFields>
    | undefined;
  if (
    !model ||
    !Array.isArray(model.vocab) ||
    !(model.tokens_to_ids instanceof Map) ||
    !Array.isArray(model.merges) ||
    !(model.bpe_ranks instanceof Map) ||
    typeof model.add_node !== 'function'
  ) {
    return undefined;
  }
  return model as BpeModelFields;
}

function slotOf(left: number, right: number, mask: number): number {
  return (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca77)) & mask;
}

/** Rank of the merge (left, right), or -1. */
function lookupMerge(table: Int32Array, mask: number, left: number, right: number): number {
  for (let slot = slotOf(left, right, mask); ; slot = (slot + 1) & mask) {
    const at = slot * 3;
    const l = table[at];
    if (l === -1) return -1;
    if (l === left && table[at + 1] === right) return table[at + 2];
  }
}

function shared(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
}

/**
 * A tokenizer.json without model.vocab and model.merges (a few kB): what a snapshot carries
 * besides its tables, and all a tokenizer needs to keep of the parsed file after setup.
 */
export function tokenizerJsonShell(json: object): object {
  const model = (json as { model?: object }).model ?? {};
  return { ...json, model: { ...model, vocab: {}, merges: [] } };
}

/**
 * Copies a loaded library tokenizer, or returns undefined when it is not a BPE model whose
 * vocabulary is a one-to-one id <-> token list and whose merges join vocabulary tokens: only
 * then does looking merges up by id give the library's own result. `jsonShell` is its
 * tokenizer.json's tokenizerJsonShell.
 */
export function snapshotHfBpe(
  tokenizer: unknown,
  jsonShell: object,
  config: object,
): HfBpeSnapshot | undefined {
  const model = bpeModelOf(tokenizer);
  if (!model) return undefined;
  const { vocab, tokens_to_ids: ids, merges } = model;
  if (ids.size !== vocab.length) return undefined;
  const tokenEnds = shared(vocab.length);
  const parts: string[] = [];
  let end = 0;
  for (let id = 0; id < vocab.length; id++) {
    const token = vocab[id];
    if (typeof token !== 'string' || ids.get(token) !== id) return undefined;
    parts.push(token);
    end += token.length;
    tokenEnds[id] = end;
  }
  let capacity = 1;
  while (capacity < merges.length * 2) capacity *= 2;
  const mask = capacity - 1;
  const mergeTable = shared(capacity * 3).fill(-1);
  for (const [rank, pair] of merges.entries()) {
    const left = ids.get(pair[0]);
    const right = ids.get(pair[1]);
    if (left === undefined || right === undefined) return undefined;
    let slot = slotOf(left, right, mask);
    // A repeated pair keeps its last rank, as the library's Map does.
    while (mergeTable[slot * 3] !== -1) {
      if (mergeTable[slot * 3] === left && mergeTable[slot * 3 + 1] === right) break;
      slot = (slot + 1) & mask;
    }
    mergeTable.set([left, right, rank], slot * 3);
  }
  return {
    format: 'gft-hf-bpe/1',
    json: jsonShell,
    config,
    tokens: parts.join(''),
    tokenEnds,
    mergeTable,
  };
}

/** Checks that a value received from another thread is a snapshot this version reads. */
export function isHfBpeSnapshot(value: unknown): value is HfBpeSnapshot {
  const s = value as Partial<HfBpeSnapshot> | undefined;
  return (
    typeof s === 'object' &&
    s !== null &&
    s.format === 'gft-hf-bpe/1' &&
    typeof s.tokens === 'string' &&
    s.tokenEnds instanceof Int32Array &&
    s.mergeTable instanceof Int32Array &&
    typeof s.json === 'object' &&
    typeof s.config === 'object'
  );
}

/**
 * Builds the library tokenizer around a snapshot: the constructor sees an empty vocabulary
 * and no merges (about a millisecond), then the model gets the vocabulary back and looks
 * merges up by id in the shared table.
 */
export function restoreHfBpe<T>(
  snapshot: HfBpeSnapshot,
  construct: (json: object, config: object) => T,
): T {
  const built = construct(snapshot.json, snapshot.config);
  const model = bpeModelOf(built);
  if (!model) {
    throw new Error('the tokenizer library no longer builds a BPE model of the expected shape');
  }
  const { tokens, tokenEnds, mergeTable } = snapshot;
  const vocab = new Array<string>(tokenEnds.length);
  const ids = new Map<string, number>();
  let start = 0;
  for (let id = 0; id < tokenEnds.length; id++) {
    const token = tokens.slice(start, tokenEnds[id]);
    start = tokenEnds[id];
    vocab[id] = token;
    ids.set(token, id);
  }
  model.vocab = vocab;
  model.tokens_to_ids = ids;
  model.unk_token_id = model.unk_token === undefined ? undefined : ids.get(model.unk_token);
  const mask = mergeTable.length / 3 - 1;
  model.add_node = (queue, node) => {
    const left = ids.get(node.token);
    const right = node.next ? ids.get(node.next.token) : undefined;
    if (left === undefined || right === undefined) return;
    const rank = lookupMerge(mergeTable, mask, left, right);
    if (rank === -1) return;
    node.score = rank + node.bias;
    queue.push(node);
  };
  return built;
}
