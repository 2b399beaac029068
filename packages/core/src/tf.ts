/**
 * The one TensorFlow.js instance gft runs on.
 *
 * Every gft package and plugin takes `tf` from here instead of importing tfjs itself, so a
 * project can never end up with two engines (two kernel registries, two tapes) because two
 * packages resolved different copies. Only tfjs-core is imported, not the `@tensorflow/tfjs`
 * union, which registers the cpu and webgl backends on import: a backend registers when its
 * plugin's `setup()` runs, so an app ships only the backends it sets up.
 */
import * as tf from '@tensorflow/tfjs-core';
// Gradients and chained ops: training needs both whichever backend runs.
import '#tfjs-gradients';

export { tf };
export type Tensor = tf.Tensor;
export type Variable = tf.Variable;
