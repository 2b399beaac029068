/**
 * Generic varlen attention made of tfjs ops: for each run of consecutive equal-length
 * sequences (one sequence when packed, the whole batch when padded), slices q/k/v, computes
 * causal (optionally windowed, softcapped) softmax attention inside each sequence only, and
 * concatenates. Cost grows with the sum of squared sequence lengths, never with T^2, and no
 * T x T mask exists. The gradient keeps only q/k/v and recomputes the probabilities.
 * Not a flash-attention kernel: each run's [S, S] scores are materialised.
 *
 * Shape legend: T = packed tokens, n = sequences in a run, S = their length, H = query heads,
 * KV = key/value heads, G = H / KV, hd = head dim.
 */
import { GftError } from '../../errors/gft-error.js';
import { tf } from '../../tf.js';
import type { VarlenAttentionAttrs, VarlenAttentionInputs } from '../kernel-names.js';
import { fastTanh } from './fast-tanh.js';
import { savedInputsGrad } from './saved-inputs-grad.js';

/** Added to masked scores: finite (like HF's finfo.min use), so exp() underflows to exactly 0. */
const MASKED = -1e30;

interface Run {
  offset: number;
  count: number;
  len: number;
}

/**
 * Score entries (heads x S x S, summed over a run) above which a run of equal-length
 * sequences is split: batching saves kernel launches, but a run's scores, probabilities and
 * their gradients are live at once (32 MiB per float32 tensor at this bound).
 */
const MAX_RUN_SCORES = 2 ** 23;

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

/** Additive mask [S, S]: 0 where key j is visible to query i, MASKED elsewhere. */
function maskBias(len: number, window: number): tf.Tensor2D {
  const bias = new Float32Array(len * len);
  for (let i = 0; i < len; i++) {
    for (let j = 0; j < len; j++) {
      const d = i - j;
      if (d < 0 || (window > 0 && d >= window)) bias[i * len + j] = MASKED;
    }
  }
  return tf.tensor2d(bias, [len, len]);
}

/** [n*S, heads*hd] -> [n*KV, (heads/KV)*S, hd]: heads of one KV group stacked along rows. */
function toGroups(x: tf.Tensor2D, run: Run, heads: number, kv: number, hd: number): tf.Tensor3D {
  const x4 = tf.transpose(tf.reshape(x, [run.count, run.len, heads, hd]), [0, 2, 1, 3]);
  return tf.reshape(x4, [run.count * kv, (heads / kv) * run.len, hd]);
}

/** Inverse of toGroups. */
function fromGroups(x: tf.Tensor3D, run: Run, heads: number, hd: number): tf.Tensor2D {
  const x4 = tf.transpose(tf.reshape(x, [run.count, heads, run.len, hd]), [0, 2, 1, 3]);
  return tf.reshape(x4, [run.count * run.len, heads * hd]);
}

interface RunState {
  qg: tf.Tensor3D;
  kg: tf.Tensor3D;
  vg: tf.Tensor3D;
  /** softmax probabilities [n*KV, G*S, S] */
  probs: tf.Tensor3D;
  /** tanh(raw / cap) when softcapped, for the backward */
  capTanh?: tf.Tensor3D;
}

function runForward(
  inputs: VarlenAttentionInputs,
  attrs: VarlenAttentionAttrs,
  run: Run,
): RunState {
  const { numHeads: h, numKvHeads: kv, headDim: hd } = attrs;
  const rows = run.count * run.len;
  const g = h / kv;
  const qg = toGroups(tf.slice(inputs.q, [run.offset, 0], [rows, h * hd]), run, h, kv, hd);
  const kg = toGroups(tf.slice(inputs.k, [run.offset, 0], [rows, kv * hd]), run, kv, kv, hd);
  const vg = toGroups(tf.slice(inputs.v, [run.offset, 0], [rows, kv * hd]), run, kv, kv, hd);
  let scores = tf.mul(tf.matMul(qg, kg, false, true), attrs.scale) as tf.Tensor3D;
  let capTanh: tf.Tensor3D | undefined;
  if (attrs.softcap && attrs.softcap > 0) {
    capTanh = fastTanh(tf.div(scores, attrs.softcap)) as tf.Tensor3D;
    scores = tf.mul(capTanh, attrs.softcap) as tf.Tensor3D;
  }
  const bias = maskBias(run.len, attrs.window ?? 0);
  const masked = tf.add(tf.reshape(scores, [run.count * kv, g, run.len, run.len]), bias);
  const probs = tf.reshape(tf.softmax(masked, -1), [run.count * kv, g * run.len, run.len]);
  return { qg, kg, vg, probs: probs as tf.Tensor3D, capTanh };
}

function forward(inputs: VarlenAttentionInputs, attrs: VarlenAttentionAttrs): tf.Tensor2D {
  const runs = sequenceRuns(attrs.cuSeqlens, inputs.q.shape[0], attrs.numHeads);
  const outs = runs.map((run) =>
    tf.tidy(() => {
      const st = runForward(inputs, attrs, run);
      return fromGroups(tf.matMul(st.probs, st.vg), run, attrs.numHeads, attrs.headDim);
    }),
  );
  const out = outs.length === 1 ? outs[0] : tf.concat(outs, 0);
  if (outs.length > 1) for (const o of outs) o.dispose();
  return out;
}

function backward(
  inputs: VarlenAttentionInputs,
  attrs: VarlenAttentionAttrs,
  dy: tf.Tensor2D,
): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] {
  const { numHeads: h, numKvHeads: kv, headDim: hd } = attrs;
  const runs = sequenceRuns(attrs.cuSeqlens, inputs.q.shape[0], attrs.numHeads);
  const parts = runs.map((run) =>
    tf.tidy(() => {
      const st = runForward(inputs, attrs, run);
      const rows = run.count * run.len;
      const dOg = toGroups(tf.slice(dy, [run.offset, 0], [rows, h * hd]), run, h, kv, hd);
      const dV = tf.matMul(st.probs, dOg, true, false) as tf.Tensor3D;
      const dP = tf.matMul(dOg, st.vg, false, true);
      const dS0 = tf.mul(st.probs, tf.sub(dP, tf.sum(tf.mul(dP, st.probs), -1, true)));
      const dS = st.capTanh ? tf.mul(dS0, tf.sub(1, tf.square(st.capTanh))) : dS0;
      const dRaw = tf.mul(dS, attrs.scale) as tf.Tensor3D;
      const dQ = tf.matMul(dRaw, st.kg) as tf.Tensor3D;
      const dK = tf.matMul(dRaw, st.qg, true, false) as tf.Tensor3D;
      return [fromGroups(dQ, run, h, hd), fromGroups(dK, run, kv, hd), fromGroups(dV, run, kv, hd)];
    }),
  );
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
