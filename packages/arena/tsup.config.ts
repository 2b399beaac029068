import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

export default defineConfig(
  packageBuild(
    ['src/index.ts'],
    // import.meta.url in the CJS build (resolving tokenizer worker modules)
    { shims: true },
  ),
);
