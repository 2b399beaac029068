/**
 * Generic varlen attention made of tfjs ops. For each run of consecutive equal-length
 * sequences (one sequence when packed, the whole batch when padded) and each causal block of
 * query positions in it, computes softmax attention over the keys that block can see (causal,
 * optionally windowed and softcapped, GQA), so work grows with the sum of squared sequence
 * lengths, about halved by skipping the keys after each block, and never with T^2. The
 * gradient keeps only q/k/v and recomputes the probabilities block by block, so only one
 * block's scores are live at a time. Not a flash-attention kernel: a block's scores are
 * materialised.
 *
 * Every matmul keeps its large operand (scores, probabilities) untransposed: a transposed
 * operand is copied first on backends whose GEMM lacks that case (wasm), so dK and dV are
 * computed transposed, as q^T dS and dO^T P, from small [rows, hd] transposes.
 *
 * Softcap: cap * tanh(s / cap) = 2cap * sigmoid(2s / cap) - cap, and the constant -cap cancels
 * in the softmax, so scores are 2cap * sigmoid(z) with z = q k^T * (2 scale / cap) and the
 * softcap's derivative is 4 sigmoid(z) (1 - sigmoid(z)) (sigmoid is far cheaper than tanh on wasm).
 *
 * Shape legend: T = packed tokens, n = sequences in a run, S = their length, H = query heads,
 * KV = key/value heads, G = H / KV, hd = head dim, r = rows of a block (positions x G),
 * k = keys the block sees, b = n * KV.
 */
import { GftError } from '../../errors/gft-error.js';
import { tf } from '../../tf.js';
import type { VarlenAttentionAttrs, VarlenAttentionInputs } from '../kernel-names.js';
import {
  blockMask,
  fromGroups,
  fromGroupsT,
  type QueryBlock,
  queryBlocks,
  type Run,
  sequenceRuns,
  toGroups,
} from './attention-blocks.js';
import { savedInputsGrad } from './saved-inputs-grad.js';

export { sequenceRuns } from './attention-blocks.js';

/**
 * `tf.slice` of `count` entries from `start` along `axis`; the whole tensor when that is all.
 * (tfjs-backend-wasm 4.22's Slice copies its whole input off the heap first, so slices are
 * taken from the smallest tensor that holds the range: runs from [T, .], blocks from a run.)
 */
function takeRange<T extends tf.Tensor>(x: T, axis: number, start: number, count: number): T {
  if (start === 0 && count === x.shape[axis]) return x;
  const begin = x.shape.map((_, i) => (i === axis ? start : 0));
  const size = x.shape.map((d, i) => (i === axis ? count : d));
  return tf.slice(x, begin, size) as T;
}

/** One run's grouped inputs: q already multiplied by the score factor (see `qFactor`). */
interface RunInputs {
  qs: tf.Tensor3D;
  kg: tf.Tensor3D;
  vg: tf.Tensor3D;
}

/** What q is multiplied by before q k^T: scale, or 2 scale / cap when softcapped. */
function qFactor(attrs: VarlenAttentionAttrs): number {
  const cap = attrs.softcap ?? 0;
  return cap > 0 ? (2 * attrs.scale) / cap : attrs.scale;
}

function runInputs(
  inputs: VarlenAttentionInputs,
  attrs: VarlenAttentionAttrs,
  run: Run,
): RunInputs {
  const { numKvHeads: kv, headDim: hd } = attrs;
  const rows = run.count * run.len;
  const slice = (x: tf.Tensor2D) => takeRange(x, 0, run.offset, rows);
  const qg = toGroups(slice(inputs.q), run, kv, hd);
  return {
    qs: tf.mul(qg, qFactor(attrs)) as tf.Tensor3D,
    kg: toGroups(slice(inputs.k), run, kv, hd),
    vg: toGroups(slice(inputs.v), run, kv, hd),
  };
}

/** Rows [q0*G, q1*G) of a grouped tensor [b, S*G, hd]. */
function rowsOf(x: tf.Tensor3D, blk: QueryBlock, g: number): tf.Tensor3D {
  return takeRange(x, 1, blk.q0 * g, (blk.q1 - blk.q0) * g);
}

/** Keys [k0, q1) of [b, S, hd]. */
function keysOf(x: tf.Tensor3D, blk: QueryBlock): tf.Tensor3D {
  return takeRange(x, 1, blk.k0, blk.q1 - blk.k0);
}

interface BlockState {
  qb: tf.Tensor3D;
  kb: tf.Tensor3D;
  vb: tf.Tensor3D;
  /** [b, r, k] softmax probabilities */
  probs: tf.Tensor3D;
  /** [b, r, k] sigmoid(z) when softcapped */
  sig?: tf.Tensor3D;
}

function blockForward(
  run: RunInputs,
  attrs: VarlenAttentionAttrs,
  blk: QueryBlock,
  n: number,
): BlockState {
  const g = attrs.numHeads / attrs.numKvHeads;
  const qb = rowsOf(run.qs, blk, g);
  const kb = keysOf(run.kg, blk);
  const vb = keysOf(run.vg, blk);
  const z = tf.matMul(qb, kb, false, true) as tf.Tensor3D;
  const cap = attrs.softcap ?? 0;
  let sig: tf.Tensor3D | undefined;
  let scores = z;
  if (cap > 0) {
    sig = tf.sigmoid(z) as tf.Tensor3D;
    scores = tf.mul(sig, 2 * cap) as tf.Tensor3D;
  }
  const masked = tf.add(scores, blockMask(blk, g, attrs.window ?? 0, n * attrs.numKvHeads));
  return { qb, kb, vb, probs: tf.softmax(masked, -1) as tf.Tensor3D, sig };
}

function forward(inputs: VarlenAttentionInputs, attrs: VarlenAttentionAttrs): tf.Tensor2D {
  const runs = sequenceRuns(attrs.cuSeqlens, inputs.q.shape[0], attrs.numHeads);
  const outs = runs.map((run) =>
    tf.tidy(() => {
      const ri = runInputs(inputs, attrs, run);
      const blocks = queryBlocks(run.len, attrs.window ?? 0).map((blk) =>
        tf.tidy(() => {
          const st = blockForward(ri, attrs, blk, run.count);
          return tf.matMul(st.probs, st.vb) as tf.Tensor3D;
        }),
      );
      const og = blocks.length === 1 ? blocks[0] : (tf.concat(blocks, 1) as tf.Tensor3D);
      return fromGroups(og, run, attrs.numKvHeads);
    }),
  );
  const out = outs.length === 1 ? outs[0] : tf.concat(outs, 0);
  if (outs.length > 1) for (const o of outs) o.dispose();
  return out;
}

/** [b, hd, k] keys [k0, q1) -> [b, hd, S] zero-padded. */
function padKeys(x: tf.Tensor3D, blk: QueryBlock, len: number): tf.Tensor3D {
  const after = len - blk.q1;
  return blk.k0 === 0 && after === 0
    ? x
    : tf.pad(x, [
        [0, 0],
        [0, 0],
        [blk.k0, after],
      ]);
}

function runBackward(
  inputs: VarlenAttentionInputs,
  attrs: VarlenAttentionAttrs,
  run: Run,
  dy: tf.Tensor2D,
): tf.Tensor2D[] {
  const { numHeads: h, numKvHeads: kv, headDim: hd } = attrs;
  const g = h / kv;
  const cap = attrs.softcap ?? 0;
  const ri = runInputs(inputs, attrs, run);
  const rows = run.count * run.len;
  const dOg = toGroups(takeRange(dy, 0, run.offset, rows), run, kv, hd);
  const dQs: tf.Tensor3D[] = [];
  const dKts: tf.Tensor3D[] = [];
  const dVts: tf.Tensor3D[] = [];
  for (const blk of queryBlocks(run.len, attrs.window ?? 0)) {
    const [dQ, dKt, dVt] = tf.tidy(() => {
      const st = blockForward(ri, attrs, blk, run.count);
      const dOb = rowsOf(dOg, blk, g);
      const dVt = tf.matMul(dOb, st.probs, true, false) as tf.Tensor3D;
      const dP = tf.matMul(dOb, st.vb, false, true);
      let dZ = tf.mul(st.probs, tf.sub(dP, tf.sum(tf.mul(dP, st.probs), -1, true)));
      // d(2cap * sigmoid(z))/dz = 2cap * s(1 - s); the 2cap is folded into dQ/dK below.
      if (st.sig) dZ = tf.mul(dZ, tf.mul(st.sig, tf.sub(1, st.sig)));
      const dQ = tf.matMul(dZ, st.kb) as tf.Tensor3D;
      const dKt = tf.matMul(st.qb, dZ, true, false) as tf.Tensor3D;
      return [dQ, padKeys(dKt, blk, run.len), padKeys(dVt, blk, run.len)];
    });
    dQs.push(dQ);
    dKts.push(dKt);
    dVts.push(dVt);
  }
  const sum = (xs: tf.Tensor3D[]) => (xs.length === 1 ? xs[0] : (tf.addN(xs) as tf.Tensor3D));
  // z = qs k^T with qs = q * factor: dq = dz k * factor, dk = dz^T qs; softcapped, dz lacks 2cap.
  const dzScale = cap > 0 ? 2 * cap : 1;
  const dQg = tf.mul(
    dQs.length === 1 ? dQs[0] : tf.concat(dQs, 1),
    dzScale * qFactor(attrs),
  ) as tf.Tensor3D;
  const dKt = dzScale === 1 ? sum(dKts) : (tf.mul(sum(dKts), dzScale) as tf.Tensor3D);
  return [
    fromGroups(dQg, run, kv),
    fromGroupsT(dKt, run, kv, hd),
    fromGroupsT(sum(dVts), run, kv, hd),
  ];
}

function backward(
  inputs: VarlenAttentionInputs,
  attrs: VarlenAttentionAttrs,
  dy: tf.Tensor2D,
): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] {
  const runs = sequenceRuns(attrs.cuSeqlens, inputs.q.shape[0], attrs.numHeads);
  const parts = runs.map((run) => tf.tidy(() => runBackward(inputs, attrs, run, dy)));
  const cat = (i: number): tf.Tensor2D => {
    if (parts.length === 1) return parts[0][i];
    const t = tf.concat(
      parts.map((p) => p[i]),
      0,
    );
    for (const p of parts) p[i].dispose();
    return t;
  };
  return [cat(0), cat(1), cat(2)];
}

export function varlenAttentionGeneric(
  inputs: VarlenAttentionInputs,
  attrs: VarlenAttentionAttrs,
): tf.Tensor2D {
  if (attrs.numHeads % attrs.numKvHeads !== 0) {
    throw new GftError(
      'BAD_CONFIG',
      `varlen attention: numHeads ${attrs.numHeads} is not a multiple of numKvHeads ${attrs.numKvHeads}`,
    );
  }
  return savedInputsGrad<tf.Tensor2D>(
    [inputs.q, inputs.k, inputs.v],
    ([q, k, v]) => forward({ q, k, v } as VarlenAttentionInputs, attrs),
    (dy, [q, k, v]) => backward({ q, k, v } as VarlenAttentionInputs, attrs, dy),
  );
}
