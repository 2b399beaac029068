/**
 * Layout helpers of the generic varlen attention: runs of equal-length sequences, causal
 * query blocks with the key range each one can see, head grouping for GQA, and the additive
 * mask of one block (cached on the host; the tensor is made per call). Not the attention
 * arithmetic (varlen-attention.ts).
 *
 * Shape legend: n = sequences in a run, S = their length, H = heads in a tensor, KV = key/value
 * heads, G = H / KV, hd = head dim, q = query positions in a block, k = keys it sees.
 */
import { GftError } from '../../errors/gft-error.js';
import { tf } from '../../tf.js';

/** Added to masked scores: finite (like HF's finfo.min use), so exp() underflows to exactly 0. */
const MASKED = -1e30;

export interface Run {
  offset: number;
  count: number;
  len: number;
}

/** Query positions [q0, q1) of one block and the first key [k0, q1) any of them can see. */
export interface QueryBlock {
  q0: number;
  q1: number;
  k0: number;
}

/**
 * Score entries (heads x S x S, summed over a run) above which a run of equal-length
 * sequences is split: batching saves kernel launches, but a run's per-block scores,
 * probabilities and their gradients are live at once.
 */
const MAX_RUN_SCORES = 2 ** 23;

/**
 * Query positions per block. Blocks skip the keys after their last query (causal), so with
 * S / QUERY_BLOCK blocks the score work is about (1 + 1/blocks) / 2 of S^2, and only one
 * block's scores are live at a time (the memory of long sequences grows with S, not S^2).
 */
export const QUERY_BLOCK = 256;

/**
 * Splits cu_seqlens into runs of consecutive sequences with the same length, each run's
 * score tensor [n * heads, S, S] kept under MAX_RUN_SCORES entries (a single longer sequence
 * is its own run).
 */
export function sequenceRuns(cuSeqlens: ArrayLike<number>, total: number, heads = 1): Run[] {
  const runs: Run[] = [];
  if (cuSeqlens.length < 2 || cuSeqlens[0] !== 0 || cuSeqlens[cuSeqlens.length - 1] !== total) {
    throw new GftError(
      'BAD_INPUT',
      `varlen attention: cuSeqlens must start at 0 and end at T=${total}, got [${Array.from(cuSeqlens).join(', ')}]`,
      { where: 'cuSeqlens' },
    );
  }
  for (let i = 0; i + 1 < cuSeqlens.length; i++) {
    const len = cuSeqlens[i + 1] - cuSeqlens[i];
    if (len <= 0) {
      throw new GftError('BAD_INPUT', `varlen attention: sequence ${i} has length ${len}`, {
        where: 'cuSeqlens',
      });
    }
    const last = runs[runs.length - 1];
    if (last && last.len === len && (last.count + 1) * heads * len * len <= MAX_RUN_SCORES)
      last.count++;
    else runs.push({ offset: cuSeqlens[i], count: 1, len });
  }
  return runs;
}

/** Causal query blocks of a length-`len` sequence; `window` > 0 also drops keys too far back. */
export function queryBlocks(len: number, window: number, size = QUERY_BLOCK): QueryBlock[] {
  const count = Math.ceil(len / size);
  const out: QueryBlock[] = [];
  for (let b = 0; b < count; b++) {
    // Even split, so no block is a sliver.
    const q0 = Math.floor((b * len) / count);
    const q1 = Math.floor(((b + 1) * len) / count);
    out.push({ q0, q1, k0: window > 0 ? Math.max(0, q0 - window + 1) : 0 });
  }
  return out;
}

/**
 * [n*S, H*hd] -> [n*KV, S*G, hd]: one matrix per (sequence, KV head), its rows ordered
 * (position, head of the group), so a block of positions is a contiguous row range.
 */
export function toGroups(x: tf.Tensor2D, run: Run, kv: number, hd: number): tf.Tensor3D {
  const width = x.shape[1];
  const x4 = tf.reshape(x, [run.count, run.len, kv, width / kv]);
  const t = kv === 1 ? x4 : tf.transpose(x4, [0, 2, 1, 3]);
  return tf.reshape(t, [run.count * kv, (run.len * width) / (kv * hd), hd]);
}

/** Inverse of toGroups: [n*KV, S*G, hd] -> [n*S, H*hd]. */
export function fromGroups(x: tf.Tensor3D, run: Run, kv: number): tf.Tensor2D {
  const per = x.size / (run.count * kv * run.len);
  const x4 = tf.reshape(x, [run.count, kv, run.len, per]);
  const t = kv === 1 ? x4 : tf.transpose(x4, [0, 2, 1, 3]);
  return tf.reshape(t, [run.count * run.len, kv * per]);
}

/** [n*KV, hd, S] (keys along the last axis) -> [n*S, KV*hd]. */
export function fromGroupsT(x: tf.Tensor3D, run: Run, kv: number, hd: number): tf.Tensor2D {
  const x4 = tf.reshape(x, [run.count, kv, hd, run.len]);
  return tf.reshape(tf.transpose(x4, [0, 3, 1, 2]), [run.count * run.len, kv * hd]);
}

const maskCache = new Map<string, Float32Array>();
/** Host bytes the mask cache may hold; block shapes repeat every layer and step. */
const MASK_CACHE_ENTRIES = 2 ** 24;
let maskCacheEntries = 0;

/**
 * Additive mask of one block, [batch, q*G, k] (rows ordered (position, head) like toGroups):
 * 0 where key k0 + j is visible to query q0 + i, MASKED elsewhere.
 */
export function blockMask(
  block: QueryBlock,
  groups: number,
  window: number,
  batch: number,
): tf.Tensor3D {
  const { q0, q1, k0 } = block;
  const keys = q1 - k0;
  const rows = (q1 - q0) * groups;
  const id = `${q0 - k0},${q1 - q0},${keys},${groups},${window}`;
  let bias = maskCache.get(id);
  if (!bias) {
    bias = new Float32Array(rows * keys);
    for (let i = q0; i < q1; i++) {
      for (let g = 0; g < groups; g++) {
        const row = ((i - q0) * groups + g) * keys;
        for (let j = k0; j < q1; j++) {
          const d = i - j;
          if (d < 0 || (window > 0 && d >= window)) bias[row + j - k0] = MASKED;
        }
      }
    }
    if (maskCacheEntries + bias.length > MASK_CACHE_ENTRIES) {
      maskCache.clear();
      maskCacheEntries = 0;
    }
    maskCache.set(id, bias);
    maskCacheEntries += bias.length;
  }
  // Tiled over the batch on the host: a same-shape add is far faster on wasm than a broadcast one.
  let data = bias;
  if (batch > 1) {
    data = new Float32Array(batch * bias.length);
    for (let b = 0; b < batch; b++) data.set(bias, b * bias.length);
  }
  return tf.tensor3d(data, [batch, rows, keys]);
}
