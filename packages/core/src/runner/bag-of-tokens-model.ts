/**
 * A small real classifier over micro-batches: hashed bag of tokens -> embedding -> one
 * linear projection built by the adapter (so every technique plugs in) -> 3-way score head.
 * It is gft's baseline model for tests and smoke runs of the runner, CLI and bench on any
 * backend (it uses matMul only, no gather, so it trains on wasm too). It is not Gemma and
 * its numbers say nothing about Gemma's.
 *
 * Shape legend: B = sequences, K = hash buckets, D = embedding width, H = hidden width.
 */
import type { Adapter, Linear } from '../adapter.js';
import { computedTokens, type MicroBatch } from '../micro-batch.js';
import { normalArray } from '../seeded-random.js';
import { tf } from '../tf.js';
import type { LossAndGrads, TrainableModel } from './trainable-model.js';

export interface BagOfTokensOptions {
  /** Hash buckets K for token ids (id mod K); default 1024. */
  buckets?: number;
  /** Embedding width D; default 32. */
  dim?: number;
  /** Hidden width H of the adapter-built projection; default 64. */
  hidden?: number;
  /** Init seed; default 0. */
  seed?: number;
  /** The technique for the projection and the trainable-parameter decisions; default: all train. */
  adapter?: Adapter;
}

/** Mean bag of hashed tokens per sequence, [B, K]; padding is never read. */
export function bagOfTokens(mb: MicroBatch, buckets: number): Float32Array {
  const out = new Float32Array(mb.batchSize * buckets);
  for (let b = 0; b < mb.batchSize; b++) {
    const len = mb.seqLens[b];
    const start = mb.layout === 'packed' ? mb.cuSeqlens[b] : b * mb.maxSeqLen;
    for (let t = start; t < start + len; t++) {
      const id = mb.inputIds[t];
      out[b * buckets + (((id % buckets) + buckets) % buckets)] += 1 / len;
    }
  }
  return out;
}

export function bagOfTokensModel(options: BagOfTokensOptions = {}): TrainableModel {
  const K = options.buckets ?? 1024;
  const D = options.dim ?? 32;
  const H = options.hidden ?? 64;
  const seed = options.seed ?? 0;
  const adapter = options.adapter;
  const trainable = new Map<string, tf.Variable>();
  const frozen: tf.Tensor[] = [];
  // Variables this model made itself; the projection's belong to its Linear.
  const own: tf.Variable[] = [];

  const param = (name: string, role: 'embedding' | 'head', shape: [number, number], s: number) => {
    const values = tf.tensor2d(normalArray(shape[0] * shape[1], 1 / Math.sqrt(shape[1]), s), shape);
    if (adapter && !adapter.trainsParam(name, role)) {
      frozen.push(values);
      return values;
    }
    const v = tf.variable(values, true);
    values.dispose();
    trainable.set(name, v);
    own.push(v);
    return v;
  };

  const embed = param('model.embed_tokens.weight', 'embedding', [K, D], seed + 1);
  const upName = 'model.layers.0.mlp.up_proj';
  const upInit = () => normalArray(H * D, 1 / Math.sqrt(D), seed + 2);
  let up: Linear;
  if (adapter) {
    up = adapter.linear(
      { name: upName, layer: 0, module: 'up_proj', inFeatures: D, outFeatures: H },
      { name: `${upName}.weight`, shape: [H, D], readF32: upInit },
    );
  } else {
    const w = tf.tidy(() => tf.variable(tf.tensor2d(upInit(), [H, D]), true));
    up = {
      apply: (x) => tf.matMul(x, w, false, true),
      trainable: { weight: w },
      frozenBytes: 0,
      dispose: () => w.dispose(),
    };
  }
  for (const [key, v] of Object.entries(up.trainable)) trainable.set(`${upName}.${key}`, v);
  const score = param('score.weight', 'head', [3, H], seed + 3);

  const logits = (mb: MicroBatch): tf.Tensor2D => {
    const bag = tf.tensor2d(bagOfTokens(mb, K), [mb.batchSize, K]);
    const h = tf.relu(tf.matMul(bag, embed)) as tf.Tensor2D;
    const u = tf.relu(up.apply(h)) as tf.Tensor2D;
    return tf.matMul(u, score, false, true);
  };

  const byTfName = new Map<string, string>();
  for (const [name, v] of trainable) byTfName.set(v.name, name);

  return {
    trainableVariables: () => trainable,
    frozenBytes: () => frozen.reduce((n, t) => n + 4 * t.size, 0) + up.frozenBytes,
    lossAndGrads(mb, scale): LossAndGrads {
      if (computedTokens(mb) === 0) return { loss: 0, grads: new Map() };
      let raw: tf.Scalar | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const labels = tf.tensor2d(mb.labels, [mb.batchSize, 3]);
        const logp = tf.logSoftmax(logits(mb));
        const loss = tf.neg(tf.mean(tf.sum(tf.mul(labels, logp), 1))) as tf.Scalar;
        raw = tf.keep(loss.clone());
        return tf.mul(loss, scale) as tf.Scalar;
      }, [...trainable.values()]);
      value.dispose();
      const loss = raw!.dataSync()[0];
      raw!.dispose();
      const out = new Map<string, tf.Tensor>();
      for (const [tfName, g] of Object.entries(grads)) out.set(byTfName.get(tfName)!, g);
      return { loss, grads: out };
    },
    predict(mb) {
      const p = tf.tidy(() => tf.softmax(logits(mb)));
      const out = p.dataSync() as Float32Array;
      p.dispose();
      return Float32Array.from(out);
    },
    dispose() {
      for (const v of own) v.dispose();
      for (const t of frozen) t.dispose();
      up.dispose();
    },
  };
}
