/**
 * The one TensorFlow.js instance gft runs on.
 *
 * Every gft package and plugin takes `tf` from here instead of importing tfjs itself, so a
 * project can never end up with two engines (two kernel registries, two tapes) because two
 * packages resolved different copies. `@tensorflow/tfjs` is imported (not bare tfjs-core)
 * because in Node only the union package registers gradients and chained ops.
 */
import * as tf from '@tensorflow/tfjs';

export { tf };
export type Tensor = tf.Tensor;
export type Variable = tf.Variable;
