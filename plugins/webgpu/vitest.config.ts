import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.ts';

const here = dirname(fileURLToPath(import.meta.url));

// Dawn dlopens the Vulkan loader (libvulkan.so.1). Where the system lacks one but Debian's
// chromium ships its own copy, the test workers get it through LD_LIBRARY_PATH, which the
// dynamic linker reads only at process start: so it is set here, before vitest forks them.
// The ICD (which driver) is still chosen by the plugin: system drivers first.
const SYSTEM_LOADERS = [
  '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
];
const CHROMIUM_LIB = '/usr/lib/chromium';
if (!SYSTEM_LOADERS.some((p) => existsSync(p)) && existsSync(`${CHROMIUM_LIB}/libvulkan.so.1`)) {
  const current = process.env.LD_LIBRARY_PATH;
  if (!current?.split(':').includes(CHROMIUM_LIB)) {
    process.env.LD_LIBRARY_PATH = current ? `${current}:${CHROMIUM_LIB}` : CHROMIUM_LIB;
  }
}

// The parity tests train the tiny Gemma with LoRA / QLoRA, which this plugin does not
// depend on: they are reached through their built entry points in the workspace, for tests
// only (tsconfig.json `paths` mirrors this for the typecheck). The proper fix is
// devDependencies on these packages, which needs a `pnpm install`.
const WORKSPACE_TEST_PACKAGES: Record<string, string> = {
  '@gft/gemma': '../../packages/gemma',
  '@gft/safetensors': '../../packages/safetensors',
  '@gft/plugin-lora': '../lora',
  '@gft/plugin-qlora': '../qlora',
};
const alias = Object.fromEntries(
  Object.entries(WORKSPACE_TEST_PACKAGES).map(([name, dir]) => [
    name,
    resolve(here, dir, 'dist/index.js'),
  ]),
);

export default defineConfig({ resolve: { alias }, test: { ...sharedTestConfig } });
