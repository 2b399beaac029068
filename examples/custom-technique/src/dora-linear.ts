/**
 * One DoRA-adapted projection (weight-decomposed LoRA, Liu et al. 2024) as a core `Linear`:
 *
 *   y = (m / ||W + s·B·A||_row) ⊙ (W x + s · B (A x))
 *
 * with W frozen, A [r, in] (kaiming-uniform), B [out, r] (zeros), the magnitude m [out]
 * initialised to the row norms of W + s·B·A (= ||W||_row while B = 0) and s = alpha / r.
 * The row norm is treated as a constant in backward (PEFT's `weight_norm.detach()`, DoRA
 * paper §4.3): it still follows B·A in forward, but no gradient flows through it.
 *
 * Shape legend: N = tokens, in / out = features, r = rank.
 * Not here: choosing sites (dora.ts), files (peft-files.ts).
 */
import { GftError, type Linear, type LinearSite, tf, type WeightSource } from '@gft/core';
import { kaimingUniformA } from '@gft/plugin-lora';

/** Trainable keys relative to the site: PEFT's tensor names, so saving needs no mapping. */
export const DORA_KEYS = {
  a: 'lora_A.weight',
  b: 'lora_B.weight',
  magnitude: 'lora_magnitude_vector',
} as const;

/** A Linear that also exposes its DoRA parts (for tests and merging). */
export interface DoraLinear extends Linear {
  readonly site: LinearSite;
  /** [out, in], frozen */
  readonly weight: tf.Tensor2D;
  /** [r, in] */
  readonly loraA: tf.Variable;
  /** [out, r] */
  readonly loraB: tf.Variable;
  /** [out] */
  readonly magnitude: tf.Variable;
  readonly scale: number;
  /** The current row norms ||W + s·B·A||_row [out] (a new tensor; the caller disposes it). */
  rowNorm(): tf.Tensor1D;
}

/** ||W + s·B·A|| per output row: w [out, in], a [r, in], b [out, r] -> [out]. */
function rowNormOf(w: tf.Tensor, a: tf.Tensor, b: tf.Tensor, scale: number): tf.Tensor1D {
  return tf.tidy(() => {
    const v = tf.add(w, tf.mul(tf.matMul(b, a), scale));
    return tf.sqrt(tf.sum(tf.square(v), 1)) as tf.Tensor1D;
  });
}

/**
 * The row norm as a constant of backward: forward follows A and B, backward sends them
 * zeros. tfjs has no stop-gradient op; a custom gradient is how one is written.
 */
function detachedRowNorm(
  w: tf.Tensor2D,
  scale: number,
): (a: tf.Tensor, b: tf.Tensor) => tf.Tensor1D {
  // customGrad passes a `save` function after the inputs; nothing needs saving here.
  const body = (...args: unknown[]) => {
    const [a, b] = args as [tf.Tensor, tf.Tensor];
    return {
      value: rowNormOf(w, a, b, scale),
      gradFunc: () => [tf.zerosLike(a), tf.zerosLike(b)],
    };
  };
  const f = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]);
  return (a, b) => f(a, b) as tf.Tensor1D;
}

/**
 * y = d ⊙ ratio (ratio broadcast over rows): d [N, out], ratio [out] -> [N, out]. Autodiff
 * would reduce dy ⊙ d over the rows with a Sum along axis 0, which tfjs-wasm runs as a
 * transpose plus a reduction; a ones-row matMul gives the same column sums on the fast
 * matmul path.
 */
function scaleColumns(d: tf.Tensor2D, ratio: tf.Tensor1D): tf.Tensor2D {
  const body = (...args: unknown[]) => {
    const [x, r, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    save([x, r]);
    return {
      value: tf.mul(x, r),
      gradFunc: (dy: tf.Tensor2D, [xs, rs]: tf.Tensor[]) => {
        const ones = tf.ones([1, xs.shape[0]]);
        const dr = tf.reshape(tf.matMul(ones, tf.mul(dy, xs)), rs.shape);
        return [tf.mul(dy, rs), dr];
      },
    };
  };
  const f = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(d, ratio) as tf.Tensor2D;
}

/** Reads a site's dense weight or explains why it cannot. */
function denseWeight(site: LinearSite, weight: WeightSource): Float32Array {
  if (!weight.readF32) {
    throw new GftError(
      'PLUGIN_INCOMPATIBLE',
      `dora: '${weight.name}' is stored quantised (no dense values); this DoRA needs a dense base checkpoint`,
      { where: weight.name },
    );
  }
  const values = weight.readF32();
  if (values.length !== site.outFeatures * site.inFeatures) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `dora: '${weight.name}' has ${values.length} values, site ${site.name} needs ${site.outFeatures} x ${site.inFeatures}`,
      { where: weight.name },
    );
  }
  return values;
}

export interface DoraLayerConfig {
  r: number;
  scale: number;
  seed: number;
}

export function doraLinear(
  site: LinearSite,
  source: WeightSource,
  config: DoraLayerConfig,
): DoraLinear {
  const { r, scale } = config;
  const [out, inF] = [site.outFeatures, site.inFeatures];
  const weight = tf.tensor2d(denseWeight(site, source), [out, inF]);
  const a = kaimingUniformA(r, inF, config.seed, site.name);
  // tidy frees the initial values; the variables survive it.
  const loraA = tf.tidy(() => tf.variable(tf.tensor2d(a, [r, inF]), true));
  const loraB = tf.tidy(() => tf.variable(tf.zeros([out, r]), true));
  // The same op sequence as forward's norm, so at init m / norm is exactly 1.
  const magnitude = tf.tidy(() => tf.variable(rowNormOf(weight, loraA, loraB, scale), true));
  const norm = detachedRowNorm(weight, scale);
  const trainable: Record<string, tf.Variable> = {
    [DORA_KEYS.a]: loraA,
    [DORA_KEYS.b]: loraB,
    [DORA_KEYS.magnitude]: magnitude,
  };
  return {
    site,
    weight,
    loraA,
    loraB,
    magnitude,
    scale,
    trainable,
    frozenBytes: out * inF * 4,
    rowNorm: () => rowNormOf(weight, loraA, loraB, scale),
    apply(x) {
      return tf.tidy(() => {
        const base = tf.matMul(x, weight, false, true);
        const update = tf.matMul(tf.matMul(x, loraA, false, true), loraB, false, true);
        const direction = tf.add(base, tf.mul(update, scale)) as tf.Tensor2D;
        const ratio = tf.div(magnitude, norm(loraA, loraB)) as tf.Tensor1D;
        return scaleColumns(direction, ratio);
      });
    },
    dispose() {
      weight.dispose();
      for (const v of Object.values(trainable)) v.dispose();
    },
  };
}

/** A site DoRA leaves alone: x · W^T with W frozen. */
export function frozenLinear(site: LinearSite, source: WeightSource): Linear {
  const weight = tf.tensor2d(denseWeight(site, source), [site.outFeatures, site.inFeatures]);
  return {
    trainable: {},
    frozenBytes: weight.size * 4,
    apply: (x) => tf.matMul(x, weight, false, true),
    dispose: () => weight.dispose(),
  };
}
