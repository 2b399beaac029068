import { build, defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

// The Node build of the gradient registration (see src/tfjs-gradients.ts): tfjs-core's ES
// modules inlined. It runs once the main build has cleaned and written dist/, never beside it.
const gradientsForNode = packageBuild([], {
  entry: { 'tfjs-gradients.node': 'src/tfjs-gradients.ts' },
  noExternal: [/^@tensorflow\/tfjs-core\/dist\//],
  dts: false,
  clean: false,
});

// Chained ops' types (`x.reshape()`) are module augmentations in the declarations of the
// modules src/tfjs-gradients.ts imports for their effect; declarations keep no such import,
// so each one references them, or `tf.Tensor` would lack its methods in dependents.
const CHAINED_OP_TYPES =
  '/// <reference types="@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops" />';

export default defineConfig(
  packageBuild(['src/index.ts', 'src/testing.ts', 'src/tokenizers.ts', 'src/tfjs-gradients.ts'], {
    dts: { banner: CHAINED_OP_TYPES },
    // Resolved by whoever loads dist/ (package.json `imports`), to the build for its platform.
    external: ['#tfjs-gradients'],
    onSuccess: async () => {
      await build({ ...gradientsForNode, config: false });
    },
  }),
);
