import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.ts';

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

export default defineConfig({ test: { ...sharedTestConfig } });
