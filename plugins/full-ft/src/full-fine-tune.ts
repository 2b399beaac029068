/**
 * The `full-ft` technique: every weight is a trainable variable (projections, embeddings,
 * norms, the score head). Not a quantising technique: the weight source must be dense.
 *
 * Shape legend: N = tokens, in / out = the projection's features.
 */
import {
  type Adapter,
  GftError,
  type Linear,
  type LinearSite,
  tf,
  type WeightSource,
} from '@gft/core';

export interface FullFineTuneOptions {
  /**
   * Which non-linear parameters train (default: all). Restricting them (e.g. only the head)
   * gives a frozen-base baseline with the same code path.
   */
  trainsParam?: (name: string, role: 'embedding' | 'norm' | 'head') => boolean;
  /** Which projections train (default: all); a frozen one keeps its weight as a constant. */
  trainsLinear?: (site: LinearSite) => boolean;
}

function denseLinear(site: LinearSite, weight: WeightSource, trains: boolean): Linear {
  if (!weight.readF32) {
    throw new GftError(
      'PLUGIN_INCOMPATIBLE',
      `full-ft: '${weight.name}' is stored quantised (no dense values); full fine-tuning needs a dense checkpoint (use qlora for 4-bit bases)`,
      { where: weight.name },
    );
  }
  const [out, inF] = weight.shape;
  if (out !== site.outFeatures || inF !== site.inFeatures) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `full-ft: '${weight.name}' has shape [${out}, ${inF}], site ${site.name} needs [${site.outFeatures}, ${site.inFeatures}]`,
      { where: weight.name },
    );
  }
  const init = tf.tensor2d(weight.readF32(), [out, inF]);
  const w = trains ? tf.variable(init, true) : init;
  if (trains) init.dispose();
  return {
    apply: (x) => tf.matMul(x, w, false, true),
    trainable: trains ? { weight: w as tf.Variable } : {},
    frozenBytes: trains ? 0 : out * inF * 4,
    dispose: () => w.dispose(),
  };
}

/** `fullFineTune()` returns the `full-ft` adapter plugin. */
export function fullFineTune(options: FullFineTuneOptions = {}): Adapter {
  return {
    kind: 'adapter',
    name: 'full-ft',
    linear: (site, weight) => denseLinear(site, weight, options.trainsLinear?.(site) ?? true),
    trainsParam: (name, role) => options.trainsParam?.(name, role) ?? true,
    estimateLinear: (site) => {
      const n = site.inFeatures * site.outFeatures;
      return (options.trainsLinear?.(site) ?? true)
        ? { frozenBytes: 0, trainableParams: n }
        : { frozenBytes: n * 4, trainableParams: 0 };
    },
  };
}
