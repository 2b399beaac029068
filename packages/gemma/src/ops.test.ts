/** Function-level golden values (fixtures ops/): tanh-GELU, RoPE tables, RMSNorm. */
import { geluTanh, rmsNorm, tf } from '@gft/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, readTensors, within } from './fixture-support.js';
import { ropeTables } from './rope.js';

describe('ops golden values', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('gelu, rope, rmsnorm', () => {
    const r = readTensors(fixture('ops', 'ops.safetensors'));
    const ok: boolean[] = [];
    const x = tf.tensor1d(r.readF32('gelu.x'));
    ok.push(within('gelu', geluTanh(x).dataSync(), r.readF32('gelu.y'), 1e-4, 1e-5));
    const positions = r.read('rope.positions') as Int32Array;
    for (const hd of [16, 64]) {
      const { cos, sin } = ropeTables(positions, hd, 10000);
      // Our tables hold one half; the fixture's `cat(freqs, freqs)` repeats it.
      const full = (h: Float32Array) => {
        const out = new Float32Array(positions.length * hd);
        for (let n = 0; n < positions.length; n++) {
          for (let i = 0; i < hd; i++) out[n * hd + i] = h[n * (hd / 2) + (i % (hd / 2))];
        }
        return out;
      };
      ok.push(within(`rope hd${hd} cos`, full(cos), r.readF32(`rope.hd${hd}.cos`), 0, 1e-6));
      ok.push(within(`rope hd${hd} sin`, full(sin), r.readF32(`rope.hd${hd}.sin`), 0, 1e-6));
    }
    const nx = tf.tensor2d(r.readF32('rmsnorm.x'), [4, 64]);
    const y = rmsNorm(
      { x: nx, weight: tf.tensor1d(r.readF32('rmsnorm.w')) },
      { eps: 1e-6 },
    ).dataSync();
    const e = r.readF32('rmsnorm.y');
    // Rows differ in scale by 1e4; check each row against its own magnitude.
    for (let row = 0; row < 4; row++) {
      ok.push(
        within(
          `rmsnorm row ${row}`,
          y.subarray(row * 64, row * 64 + 64),
          e.subarray(row * 64, row * 64 + 64),
          1e-4,
          1e-5,
        ),
      );
    }
    r.close();
    expect(ok.every(Boolean)).toBe(true);
  });
});
