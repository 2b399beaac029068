/**
 * A plugin loads through its ESM entry, and one process holding both builds of @gft/core still
 * has one fused-kernel table: a backend loaded as CommonJS used to register its native kernels
 * into the CommonJS copy while the model looked them up in the ESM one (so cpu-native ran the
 * generic attention, norm and GELU kernels under the CLI).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RMS_NORM } from '../kernels/kernel-names.js';
import { type registerFusedKernel, resolveFusedKernel } from '../kernels/registry.js';
import { importEntryOf } from './package-entry.js';

describe('importEntryOf', () => {
  it('prefers the import condition, then node/default, then module, main, index.js', () => {
    const dir = '/p';
    expect(
      importEntryOf(dir, {
        exports: { '.': { require: './c.cjs', import: { types: './t.d.ts', default: './e.js' } } },
      }),
    ).toBe('/p/e.js');
    expect(importEntryOf(dir, { exports: { require: './c.cjs', default: './d.js' } })).toBe(
      '/p/d.js',
    );
    expect(importEntryOf(dir, { exports: './x.js' })).toBe('/p/x.js');
    expect(importEntryOf(dir, { module: './m.js', main: './c.cjs' })).toBe('/p/m.js');
    expect(importEntryOf(dir, { main: './c.cjs' })).toBe('/p/c.cjs');
    expect(importEntryOf(dir, {})).toBe('/p/index.js');
  });

  it("resolves gft's own dual packages to their ESM build", () => {
    const cpuNative = join(
      dirname(fileURLToPath(import.meta.url)),
      '../../../../plugins/cpu-native',
    );
    const pkg = createRequire(import.meta.url)(join(cpuNative, 'package.json'));
    expect(importEntryOf(cpuNative, pkg)).toBe(join(cpuNative, 'dist/index.js'));
  });
});

describe('the fused-kernel table', () => {
  it('is shared by the ESM and the CommonJS build of @gft/core', () => {
    const cjs = createRequire(import.meta.url)(
      join(dirname(fileURLToPath(import.meta.url)), '../../dist/index.cjs'),
    ) as { registerFusedKernel: typeof registerFusedKernel };
    const unregister = cjs.registerFusedKernel({
      kernelName: RMS_NORM,
      backendName: 'dual-package-test',
      source: 'registered through the CommonJS build',
      kernelFunc: () => {
        throw new Error('not called');
      },
    });
    try {
      expect(resolveFusedKernel(RMS_NORM, 'dual-package-test')?.source).toBe(
        'registered through the CommonJS build',
      );
    } finally {
      unregister();
    }
  });
});
