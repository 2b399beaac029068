/**
 * The page trains on webgpu only, so its bundle must carry no other tfjs backend: importing
 * @gft/core registers none, and the wasm plugin loads tfjs-backend-wasm in its `setup()`.
 * Reads which modules Vite rendered into the chunks (no Chromium needed). tfjs-backend-cpu's
 * kernel implementations may appear: tfjs-backend-webgpu runs some ops on the CPU with them;
 * what must not is the cpu backend itself or its kernel registrations.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Rollup } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Paths after the last `node_modules/` of every module with code in the bundle. */
async function bundledModules(): Promise<string[]> {
  const result = await build({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'silent',
    build: { write: false },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  return outputs
    .flatMap((o) => o.output)
    .flatMap((item) => (item.type === 'chunk' ? Object.entries(item.modules) : []))
    .filter(([, rendered]) => rendered.renderedLength > 0)
    .map(([id]) => id.replace(/^.*node_modules\//, ''));
}

describe('the browser bundle', () => {
  let modules: string[] = [];
  beforeAll(async () => {
    modules = await bundledModules();
  });

  it('ships the webgpu backend it sets up', () => {
    expect(modules.filter((m) => m.startsWith('@tensorflow/tfjs-backend-webgpu/'))).not.toEqual([]);
  });

  it('ships no wasm or webgl backend', () => {
    expect(modules.filter((m) => /^@tensorflow\/tfjs-backend-(wasm|webgl)\//.test(m))).toEqual([]);
  });

  it('ships no cpu backend or cpu kernel registrations', () => {
    const registering =
      /^@tensorflow\/tfjs-backend-cpu\/dist\/(base|backend_cpu|register_all_kernels|index)\.js$/;
    expect(modules.filter((m) => registering.test(m))).toEqual([]);
  });

  it("registers gradients from tfjs-core's own modules, not a second copy", () => {
    expect(modules).toContain('@tensorflow/tfjs-core/dist/register_all_gradients.js');
    expect(modules.filter((m) => /tfjs-gradients\.node|tf-core(\.\w+)*\.js$/.test(m))).toEqual([]);
  });
});
