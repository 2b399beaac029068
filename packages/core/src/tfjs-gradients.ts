/**
 * Registers tfjs's gradients and chained ops (`x.add(y)`), which `@tensorflow/tfjs-core`
 * leaves to side-effect modules of its ES build. The one module of @gft/core with side
 * effects, and it touches only the kernel-independent registries: no backend.
 *
 * Reached through `#tfjs-gradients` (package.json `imports`): bundlers get this file as
 * written, sharing tfjs-core's own ES modules; Node gets a build with those modules
 * inlined (tsup.config.ts), because their extensionless relative imports do not load in
 * Node. The inlined copy is no second engine: tfjs-core keeps its engine, registries and
 * Tensor class on the global object and each copy finds them there.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
