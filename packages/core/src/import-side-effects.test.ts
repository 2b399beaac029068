/**
 * Importing @gft/core registers no tfjs backend (so bundlers may drop the backends an app
 * does not set up), yet leaves tfjs ready to train: gradients and chained ops registered.
 * Each case runs in a fresh Node process on the built package, through the entry point a
 * user gets (ESM `import`, CJS `require`): a test process has long had backends registered.
 */
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = dirname(dirname(fileURLToPath(import.meta.url)));

interface Probe {
  backendsAfterImport: string[];
  cpuKernelsAfterImport: number;
  wasmKernelsAfterImport: number;
  squareGradientRegistered: boolean;
  chainedSquare: string;
  backendAfterSetup: string;
  gradientOfSquareAt3: number;
}

/** What the child prints; `load` makes `core` the package's namespace. */
function probe(load: string, type: 'module' | 'commonjs'): Probe {
  const body = `
    const { tf, cpuBackend } = core;
    const backendsAfterImport = Object.keys(tf.engine().registryFactory);
    const cpuKernelsAfterImport = tf.getKernelsForBackend('cpu').length;
    const wasmKernelsAfterImport = tf.getKernelsForBackend('wasm').length;
    const squareGradientRegistered = tf.getGradient('Square') !== undefined;
    const chainedSquare = typeof tf.Tensor.prototype.square;
    await cpuBackend().setup();
    const gradientOfSquareAt3 = tf.grad((x) => x.square())(tf.scalar(3)).arraySync();
    console.log(JSON.stringify({
      backendsAfterImport, cpuKernelsAfterImport, wasmKernelsAfterImport,
      squareGradientRegistered, chainedSquare, backendAfterSetup: tf.getBackend(),
      gradientOfSquareAt3,
    }));`;
  const script = type === 'module' ? `${load}\n${body}` : `(async () => { ${load}\n${body} })();`;
  const stdout = execFileSync(process.execPath, [`--input-type=${type}`, '-e', script], {
    cwd: PACKAGE_DIR,
    encoding: 'utf8',
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Probe;
}

const EXPECTED: Probe = {
  backendsAfterImport: [],
  cpuKernelsAfterImport: 0,
  wasmKernelsAfterImport: 0,
  squareGradientRegistered: true,
  chainedSquare: 'function',
  backendAfterSetup: 'cpu',
  gradientOfSquareAt3: 6,
};

describe('importing @gft/core', () => {
  it('as ES module registers no backend, but gradients and chained ops', () => {
    expect(probe("const core = await import('@gft/core');", 'module')).toEqual(EXPECTED);
  });

  it('as CommonJS registers no backend, but gradients and chained ops', () => {
    expect(probe("const core = require('@gft/core');", 'commonjs')).toEqual(EXPECTED);
  });
});
