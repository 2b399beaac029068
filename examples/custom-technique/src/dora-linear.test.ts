/**
 * The DoRA layer on its own: forward against a float64 reference, gradients of m, A and B
 * against central finite differences (with the row norm held constant, as DoRA detaches
 * it), the detach itself, identity with the base at init, options and registration.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuBackend, type LinearSite, pluginEntriesOf, tf } from '@gft/core';
import { maxAbsDiff, relativeMaxError } from '@gft/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { dora } from './dora.js';
import { type DoraLinear, doraLinear, frozenLinear } from './dora-linear.js';
import * as entry from './index.js';

const IN = 5;
const OUT = 4;
const R = 2;
const N = 3;
const SCALE = 2; // alpha 4 / r 2
const site: LinearSite = {
  name: 'model.layers.0.self_attn.q_proj',
  layer: 0,
  module: 'q_proj',
  inFeatures: IN,
  outFeatures: OUT,
};

/** Seeded values in [-1, 1). */
function values(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s / 4294967296) * 2 - 1;
  });
}

const W = Float32Array.from(values(OUT * IN, 1));
const X = Float32Array.from(values(N * IN, 2));
const G = Float32Array.from(values(N * OUT, 3));
const source = {
  name: `${site.name}.weight`,
  shape: [OUT, IN] as [number, number],
  readF32: () => W.slice(),
};

/** Float64 reference: y [N, out] = (m / n) ⊙ (W x + s·B·A x), n = norm given or recomputed. */
function reference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: ArrayLike<number>,
  fixedNorm?: number[],
) {
  const v = new Float64Array(OUT * IN);
  for (let o = 0; o < OUT; o++)
    for (let i = 0; i < IN; i++) {
      let ba = 0;
      for (let k = 0; k < R; k++) ba += b[o * R + k] * a[k * IN + i];
      v[o * IN + i] = W[o * IN + i] + SCALE * ba;
    }
  const norm =
    fixedNorm ??
    Array.from({ length: OUT }, (_, o) => {
      let s = 0;
      for (let i = 0; i < IN; i++) s += v[o * IN + i] ** 2;
      return Math.sqrt(s);
    });
  const y = new Float64Array(N * OUT);
  for (let t = 0; t < N; t++)
    for (let o = 0; o < OUT; o++) {
      let acc = 0;
      for (let i = 0; i < IN; i++) acc += v[o * IN + i] * X[t * IN + i];
      y[t * OUT + o] = (m[o] / norm[o]) * acc;
    }
  const loss = y.reduce((acc, yi, j) => acc + yi * G[j], 0);
  return { y, norm, loss };
}

/** Central differences of `f` at `x` (float64), one coordinate at a time. */
function finiteDiff(x: Float64Array, f: (x: Float64Array) => number, h = 1e-6): Float64Array {
  return x.map((xi, j) => {
    const p = x.slice();
    p[j] = xi + h;
    const q = x.slice();
    q[j] = xi - h;
    return (f(p) - f(q)) / (2 * h);
  });
}

function layer(): DoraLinear {
  const lin = doraLinear(site, source, { r: R, scale: SCALE, seed: 5 });
  // Non-zero B and a moved m, so every gradient and the norm's dependence on B·A show.
  tf.tidy(() => {
    lin.loraB.assign(tf.tensor2d(Float32Array.from(values(OUT * R, 4)), [OUT, R]));
    lin.magnitude.assign(tf.add(lin.magnitude, tf.tensor1d(Float32Array.from(values(OUT, 6)))));
  });
  return lin;
}

describe('DoRA layer', () => {
  beforeAll(async () => {
    await cpuBackend().setup();
  });

  it('forward matches the float64 reference', () => {
    const lin = layer();
    const y = tf.tidy(() => lin.apply(tf.tensor2d(X, [N, IN])).dataSync());
    const ref = reference(lin.loraA.dataSync(), lin.loraB.dataSync(), lin.magnitude.dataSync());
    const err = relativeMaxError(y, ref.y);
    console.log(`dora forward vs float64: relative max error ${err.toExponential(3)}`);
    expect(err).toBeLessThan(1e-6);
    lin.dispose();
  });

  it('gradients of m, A and B match finite differences with the norm held constant', () => {
    const lin = layer();
    const a0 = Float64Array.from(lin.loraA.dataSync());
    const b0 = Float64Array.from(lin.loraB.dataSync());
    const m0 = Float64Array.from(lin.magnitude.dataSync());
    const x = tf.tensor2d(X, [N, IN]);
    const g = tf.tensor2d(G, [N, OUT]);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(lin.apply(x), g)) as tf.Scalar,
      [lin.loraA, lin.loraB, lin.magnitude],
    );
    const { norm } = reference(a0, b0, m0);
    const detached = {
      A: finiteDiff(a0, (a) => reference(a, b0, m0, norm).loss),
      B: finiteDiff(b0, (b) => reference(a0, b, m0, norm).loss),
      m: finiteDiff(m0, (m) => reference(a0, b0, m, norm).loss),
    };
    const coupled = {
      A: finiteDiff(a0, (a) => reference(a, b0, m0).loss),
      B: finiteDiff(b0, (b) => reference(a0, b, m0).loss),
      m: finiteDiff(m0, (m) => reference(a0, b0, m).loss),
    };
    const ours = {
      A: grads[lin.loraA.name].dataSync(),
      B: grads[lin.loraB.name].dataSync(),
      m: grads[lin.magnitude.name].dataSync(),
    };
    for (const k of ['A', 'B', 'm'] as const) {
      const err = relativeMaxError(ours[k], detached[k]);
      const vsCoupled = relativeMaxError(ours[k], coupled[k]);
      console.log(
        `dora grad ${k} vs finite differences: relative max error ${err.toExponential(3)} (norm detached), ${vsCoupled.toExponential(3)} (norm differentiated)`,
      );
      expect(err).toBeLessThan(1e-4);
      // The norm does not depend on m; it does on A and B, and that path must be cut.
      if (k === 'm') expect(vsCoupled).toBeLessThan(1e-4);
      else expect(vsCoupled).toBeGreaterThan(1e-2);
    }
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g]);
    lin.dispose();
  });

  it('at init (B = 0) equals the frozen base bit for bit, with m = ||W|| per row', () => {
    const lin = doraLinear(site, source, { r: R, scale: SCALE, seed: 5 });
    const base = frozenLinear(site, source);
    const x = tf.tensor2d(X, [N, IN]);
    const ours = tf.tidy(() => lin.apply(x).dataSync());
    const theirs = tf.tidy(() => base.apply(x).dataSync());
    const diff = maxAbsDiff(ours, theirs);
    console.log(`dora at init vs base: max diff ${diff}`);
    expect(diff).toBe(0);
    const rowNorms = Array.from({ length: OUT }, (_, o) =>
      Math.hypot(...W.subarray(o * IN, (o + 1) * IN)),
    );
    expect(relativeMaxError(lin.magnitude.dataSync(), rowNorms)).toBeLessThan(1e-6);
    tf.dispose(x);
    lin.dispose();
    base.dispose();
  });
});

describe('dora() plugin', () => {
  it('estimates what it builds', () => {
    const adapter = dora({ r: R, alpha: 4 });
    const lin = adapter.linear(site, source);
    const built = Object.values(lin.trainable).reduce((n, v) => n + v.size, 0);
    expect(adapter.estimateLinear(site)).toEqual({
      frozenBytes: lin.frozenBytes,
      trainableParams: built,
    });
    expect(Object.keys(lin.trainable).sort()).toEqual([
      'lora_A.weight',
      'lora_B.weight',
      'lora_magnitude_vector',
    ]);
    lin.dispose();
  });

  it('leaves untargeted modules frozen', () => {
    const adapter = dora({ targetModules: ['v_proj'] });
    const lin = adapter.linear(site, source);
    expect(lin.trainable).toEqual({});
    expect(adapter.estimateLinear(site).trainableParams).toBe(0);
    lin.dispose();
  });

  it('rejects bad options naming the field and the valid values', () => {
    expect(() => dora({ r: 0 })).toThrow(/^dora: option 'r' must be a positive integer, got 0$/);
    expect(() => dora({ targetModules: ['qproj' as 'q_proj'] })).toThrow(
      /unknown module 'qproj' \(valid: all-linear, .*q_proj/,
    );
    expect(() => dora({ rank: 4 } as never)).toThrow(/unknown option 'rank' \(valid: .*alpha/);
  });

  it('announces itself in package.json under its own name', async () => {
    const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
    const entries = pluginEntriesOf(pkgDir);
    expect(entries.map((e) => [e.kind, e.name, e.source])).toEqual([
      ['adapter', 'dora', '@gft-example/dora'],
    ]);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    const factory = (entry as Record<string, unknown>)[pkg.gft.plugins[0].export];
    expect(typeof factory).toBe('function');
    const plugin = (factory as typeof dora)();
    expect([plugin.kind, plugin.name]).toEqual(['adapter', 'dora']);
  });
});
