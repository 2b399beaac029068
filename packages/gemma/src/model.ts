/**
 * The Gemma / Gemma-2 model: its weights (projections built by the adapter, the other
 * parameters frozen tensors or trainable variables as the adapter decides) and the forward
 * pieces the training step drives. Not checkpoint file handling (checkpoint-load.ts) and not
 * the backward driver (train-step.ts).
 *
 * Shape legend: N = token rows (packed T, padded B * L), B = sequences, D = hidden, V = vocab.
 */
import {
  type Adapter,
  type AdapterState,
  type Linear,
  type LinearModule,
  type MicroBatch,
  rmsNorm,
  tf,
} from '@gft/core';
import { type BatchContext, buildContext } from './batch-context.js';
import { checkStore } from './check-store.js';
import { type GemmaConfig, validateConfig } from './config.js';
import {
  attentionHalf,
  attentionNormNames,
  decoderLayer,
  type LayerWeights,
  mlpHalf,
} from './decoder-layer.js';
import { type ForwardMode, linearOptions } from './forward-mode.js';
import { checkHead, type HeadSpec, headLogits, lmLogits, softLabelCrossEntropy } from './heads.js';
import { EMBED_KEY, FINAL_NORM_KEY, layerNormNames, linearSites, SCORE_KEY } from './params.js';
import { seededNormal } from './random-init.js';
import { readDense, type WeightStore } from './weight-store.js';

export interface GemmaModelOptions {
  config: GemmaConfig;
  weights: WeightStore;
  adapter: Adapter;
  /** Default: the classification head. */
  head?: HeadSpec;
  /** Seed for `score.weight` when the weights lack it and the head needs it (default 0). */
  scoreSeed?: number;
  /** Written into saved adapter configs. */
  baseModel?: string;
  /**
   * Called after the embedding (0) and after each decoder layer: building gemma2-9b reads,
   * initialises or quantises 9 billion weights, minutes a caller may want to show.
   */
  onProgress?: (layersBuilt: number, numLayers: number) => void;
}

/** What a forward pass returns; the caller disposes the tensors. */
export interface GemmaForward {
  /** [N, D] final-normed hidden states (padding rows: don't care). */
  hidden: tf.Tensor2D;
  /** [B, 3] head logits. */
  logits: tf.Tensor2D;
  /** scalar soft-label cross-entropy, mean over sequences. */
  loss: tf.Scalar;
}

export class GemmaModel {
  readonly config: GemmaConfig;
  readonly adapter: Adapter;
  readonly head: HeadSpec;
  readonly baseModel?: string;
  /**
   * Checkpoint tensors this model does not read: a `score.weight` under the verdict head.
   * Callers report them; a trained classification head silently dropped looks like a bug.
   */
  readonly unusedWeights: string[] = [];
  /** Site name -> Linear built by the adapter. */
  readonly linears = new Map<string, Linear>();
  /** Checkpoint key -> non-linear parameter (a `tf.Variable` when it trains). */
  readonly params = new Map<string, tf.Tensor>();
  private readonly layers: LayerWeights[] = [];
  /**
   * Training forwards run so far; the train step seeds the next one's dropout masks with it.
   * Part of a run's resumable state (the runner adapter saves it).
   */
  trainingForwards = 0;

  private constructor(options: GemmaModelOptions) {
    this.config = options.config;
    this.adapter = options.adapter;
    this.head = options.head ?? { kind: 'classification' };
    this.baseModel = options.baseModel;
  }

  /** Builds a model reading one tensor at a time from `weights`. */
  static build(options: GemmaModelOptions): GemmaModel {
    const model = new GemmaModel(options);
    const { config, weights, adapter } = options;
    validateConfig(config);
    checkHead(model.head, config);
    const hasScore = weights.names().includes(SCORE_KEY);
    checkStore(config, weights, hasScore);
    try {
      const param = (
        name: string,
        role: 'embedding' | 'norm' | 'head',
        shape: number[],
        data: () => Float32Array,
      ) => {
        const values = data();
        const trains = adapter.trainsParam(name, role);
        const init = tf.tensor(values, shape);
        // A variable takes its own reference to the data: drop the initial tensor's.
        model.params.set(name, trains ? tf.variable(init, true) : init);
        if (trains) init.dispose();
      };
      const d = config.hiddenSize;
      param(EMBED_KEY, 'embedding', [config.vocabSize, d], () => readDense(weights, EMBED_KEY));
      const sites = linearSites(config);
      options.onProgress?.(0, config.numLayers);
      for (let layer = 0; layer < config.numLayers; layer++) {
        const norms: Record<string, tf.Tensor1D> = {};
        for (const n of layerNormNames(config)) {
          const key = `model.layers.${layer}.${n}.weight`;
          param(key, 'norm', [d], () => readDense(weights, key));
          norms[n] = model.params.get(key) as tf.Tensor1D;
        }
        const linears = {} as Record<LinearModule, Linear>;
        for (const site of sites.filter((s) => s.layer === layer)) {
          const lin = adapter.linear(site, weights.source(`${site.name}.weight`));
          model.linears.set(site.name, lin);
          linears[site.module] = lin;
        }
        model.layers.push({ norms, linears });
        options.onProgress?.(layer + 1, config.numLayers);
      }
      param(FINAL_NORM_KEY, 'norm', [d], () => readDense(weights, FINAL_NORM_KEY));
      // The verdict head reads the tied embedding; a checkpoint's score head is then unused.
      if (model.head.kind === 'classification') {
        const shape = [config.numLabels, d];
        param(SCORE_KEY, 'head', shape, () =>
          hasScore
            ? readDense(weights, SCORE_KEY)
            : seededNormal(shape[0] * shape[1], 0.02, options.scoreSeed ?? 0, SCORE_KEY),
        );
      } else if (hasScore) {
        model.unusedWeights.push(SCORE_KEY);
      }
    } catch (e) {
      model.dispose();
      throw e;
    }
    return model;
  }

  get embedding(): tf.Tensor2D {
    return this.params.get(EMBED_KEY) as tf.Tensor2D;
  }

  /** Scaled token embeddings [N, D]. */
  embed(ctx: BatchContext): tf.Tensor2D {
    return tf.tidy(() => {
      const normalizer = Math.fround(Math.sqrt(this.config.hiddenSize));
      return tf.mul(tf.gather(this.embedding, ctx.ids), normalizer) as tf.Tensor2D;
    });
  }

  /** Decoder layer `i`: [N, D] -> [N, D]. */
  layer(i: number, x: tf.Tensor2D, ctx: BatchContext, mode: ForwardMode = {}): tf.Tensor2D {
    return decoderLayer(this.config, i, this.layers[i], x, ctx, {
      attention: linearOptions(mode, i, 'attention'),
      mlp: linearOptions(mode, i, 'mlp'),
    });
  }

  /** First half of layer `i` (x -> x + attention): [N, D] -> [N, D]. */
  attentionHalf(i: number, x: tf.Tensor2D, ctx: BatchContext, mode: ForwardMode = {}): tf.Tensor2D {
    return attentionHalf(
      this.config,
      i,
      this.layers[i],
      x,
      ctx,
      linearOptions(mode, i, 'attention'),
    );
  }

  /**
   * Second half of layer `i` (h -> h + MLP), row-wise: [n, D] -> [n, D] for any n rows;
   * `rowStart` (the chunk's first row) keeps a chunk's dropout masks apart from other chunks'.
   */
  mlpHalf(i: number, h: tf.Tensor2D, mode: ForwardMode = {}, rowStart = 0): tf.Tensor2D {
    return mlpHalf(this.config, this.layers[i], h, linearOptions(mode, i, 'mlp', rowStart));
  }

  /** Final norm: [N, D] -> [N, D]. */
  finalNorm(x: tf.Tensor2D): tf.Tensor2D {
    const w = this.params.get(FINAL_NORM_KEY) as tf.Tensor1D;
    return rmsNorm({ x, weight: w }, { eps: this.config.rmsNormEps });
  }

  /** Head logits [B, 3] from the final-normed hidden states [N, D]. */
  logits(hidden: tf.Tensor2D, ctx: BatchContext): tf.Tensor2D {
    return tf.tidy(() =>
      headLogits(this.config, this.head, tf.gather(hidden, ctx.lastIndex) as tf.Tensor2D, {
        embed: this.embedding,
        score: this.params.get(SCORE_KEY) as tf.Tensor2D | undefined,
      }),
    );
  }

  /** Loss from the last layer's output [N, D] (final norm, head, cross-entropy). */
  headLoss(x: tf.Tensor2D, ctx: BatchContext): { loss: tf.Scalar; logits: tf.Tensor2D } {
    return tf.tidy(() => {
      const logits = this.logits(this.finalNorm(x), ctx);
      return { loss: softLabelCrossEntropy(logits, ctx.labels), logits };
    });
  }

  /** Full forward on a context (evaluation unless `mode.training`); layers run in own scopes. */
  forwardContext(ctx: BatchContext, mode: ForwardMode = {}): GemmaForward {
    return tf.tidy(() => {
      let x = this.embed(ctx);
      for (let i = 0; i < this.config.numLayers; i++) x = this.layer(i, x, ctx, mode);
      const hidden = this.finalNorm(x);
      const logits = this.logits(hidden, ctx);
      return { hidden, logits, loss: softLabelCrossEntropy(logits, ctx.labels) };
    });
  }

  /** Forward of one micro-batch (either layout); evaluation unless `mode.training`. */
  forward(mb: MicroBatch, mode: ForwardMode = {}): GemmaForward {
    const ctx = this.context(mb);
    try {
      return this.forwardContext(ctx, mode);
    } finally {
      ctx.dispose();
    }
  }

  /** [N, V] LM logits of final-normed hidden states (tied embeddings). */
  lmLogits(hidden: tf.Tensor2D): tf.Tensor2D {
    return lmLogits(this.config, hidden, this.embedding);
  }

  context(mb: MicroBatch): BatchContext {
    return buildContext(mb, this.config);
  }

  /**
   * Trainable variables of layer `i` (its linears' and its norms'), by key; `half` keeps only
   * those of `attentionHalf` or of `mlpHalf`.
   */
  layerVariables(i: number, half?: 'attention' | 'mlp'): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    const prefix = `model.layers.${i}.`;
    const attnNorms = new Set(attentionNormNames(this.config).map((n) => `${prefix}${n}.weight`));
    const inHalf = (isAttention: boolean) =>
      half === undefined || (half === 'attention') === isAttention;
    for (const [name, lin] of this.linears) {
      if (!name.startsWith(prefix) || !inHalf(name.includes('.self_attn.'))) continue;
      for (const [k, v] of Object.entries(lin.trainable)) out.set(`${name}.${k}`, v);
    }
    for (const [name, t] of this.params)
      if (name.startsWith(prefix) && t instanceof tf.Variable && inHalf(attnNorms.has(name)))
        out.set(name, t);
    return out;
  }

  /** Trainable variables outside the layers (embeddings, final norm, score), by key. */
  outerVariables(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [name, t] of this.params)
      if (!name.startsWith('model.layers.') && t instanceof tf.Variable) out.set(name, t);
    return out;
  }

  /** Every trainable variable, by checkpoint-style key. */
  trainableVariables(): Map<string, tf.Variable> {
    const out = this.outerVariables();
    for (let i = 0; i < this.config.numLayers; i++)
      for (const [k, v] of this.layerVariables(i)) out.set(k, v);
    return out;
  }

  /** What the adapter saves. */
  adapterState(): AdapterState {
    const params = new Map<string, tf.Variable>();
    for (const [name, t] of this.params) if (t instanceof tf.Variable) params.set(name, t);
    return { linears: this.linears, params, baseModel: this.baseModel };
  }

  /** Bytes of frozen and trainable state. */
  memory(): { frozenBytes: number; trainableParams: number } {
    let frozenBytes = 0;
    let trainableParams = 0;
    for (const lin of this.linears.values()) {
      frozenBytes += lin.frozenBytes;
      for (const v of Object.values(lin.trainable)) trainableParams += v.size;
    }
    for (const t of this.params.values()) {
      if (t instanceof tf.Variable) trainableParams += t.size;
      else frozenBytes += t.size * 4;
    }
    return { frozenBytes, trainableParams };
  }

  dispose(): void {
    for (const lin of this.linears.values()) lin.dispose();
    for (const t of this.params.values()) t.dispose();
    this.linears.clear();
    this.params.clear();
  }
}
