/**
 * NF4 + double quantisation against the bitsandbytes fixtures (nf4/case_a/b/c): every
 * stored array bit-exact, the stored tables equal to the constants shipped in source.
 */
import { join } from 'node:path';
import { openSafetensors, type TensorReader } from '@gft/safetensors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dequantizeAbsmax, doubleQuantize } from './double-quant.js';
import { nf4IndexAt, quantizeNf4 } from './nf4-quantize.js';
import { DYNAMIC_MAP, DYNAMIC_MAP_MIDPOINTS, NF4_CODE, NF4_MIDPOINTS } from './nf4-tables.js';
import { dequantizeNf4Weight, nf4WeightBytes, quantizeNf4Weight } from './nf4-weight.js';
import { bitDiffs, FIXTURES } from './test-support.js';

describe('nf4 tables', () => {
  it('code is sorted with an exact zero at index 7; dynamic map sorted, -0.99296875..1', () => {
    expect(NF4_CODE[7]).toBe(0);
    expect(DYNAMIC_MAP.length).toBe(256);
    expect(DYNAMIC_MAP[0]).toBe(Math.fround(-0.99296875));
    expect(DYNAMIC_MAP[255]).toBe(1);
    for (let i = 1; i < 256; i++) expect(DYNAMIC_MAP[i]).toBeGreaterThan(DYNAMIC_MAP[i - 1]);
  });
  it('packs an odd count with a padding nibble 7 and quantises zeros to index 7', () => {
    const { packed, absmax } = quantizeNf4(new Float32Array([0, 0, 0]));
    expect([...packed]).toEqual([0x77, 0x77]);
    expect(absmax[0]).toBe(0);
    const q = quantizeNf4(new Float32Array([1, -1, 0.5]));
    expect(nf4IndexAt(q.packed, 0)).toBe(15);
    expect(nf4IndexAt(q.packed, 1)).toBe(0);
  });
});

describe('nf4 vs bitsandbytes fixtures', () => {
  for (const name of ['case_a', 'case_b', 'case_c']) {
    describe(name, () => {
      let f: TensorReader;
      beforeAll(() => {
        f = openSafetensors(join(FIXTURES, 'nf4', `${name}.safetensors`));
      });
      afterAll(() => f.close());

      it('stored tables equal the shipped constants', () => {
        expect(bitDiffs(NF4_CODE, f.readF32('nf4_code'))).toBe(0);
        expect(bitDiffs(NF4_MIDPOINTS, f.readF32('nf4_midpoints'))).toBe(0);
        expect(bitDiffs(DYNAMIC_MAP, f.readF32('dynamic_map'))).toBe(0);
        expect(bitDiffs(DYNAMIC_MAP_MIDPOINTS, f.readF32('dynamic_map_midpoints'))).toBe(0);
      });

      it('packed bytes, indices and absmax are bit-exact', () => {
        const w = f.readF32('weight');
        const q = quantizeNf4(w);
        const idx = Uint8Array.from({ length: w.length }, (_, i) => nf4IndexAt(q.packed, i));
        console.log(`${name}: packed diffs ${bitDiffs(q.packed, f.readBytes('packed'))}`);
        expect(bitDiffs(idx, f.readBytes('idx'))).toBe(0);
        expect(bitDiffs(q.packed, f.readBytes('packed'))).toBe(0);
        expect(bitDiffs(q.absmax, f.readF32('absmax'))).toBe(0);
      });

      it('double quantisation (offset, shifted, qabsmax, nested, absmax_dq) is bit-exact', () => {
        const q = quantizeNf4(f.readF32('weight'));
        const dq = doubleQuantize(q.absmax);
        // The offset is the float64-accumulated mean; for case_b torch's float32 mean is
        // 1 ulp away (fixtures README), and the fixture stores ours.
        expect(dq.offset).toBe(f.readF32('offset')[0]);
        expect(bitDiffs(dq.shifted, f.readF32('shifted_absmax'))).toBe(0);
        expect(bitDiffs(dq.qabsmax, f.readBytes('qabsmax'))).toBe(0);
        expect(bitDiffs(dq.nestedAbsmax, f.readF32('nested_absmax'))).toBe(0);
        expect(bitDiffs(dequantizeAbsmax(dq), f.readF32('absmax_dq'))).toBe(0);
      });

      it('dequantised weights (with and without double quant) are bit-exact', () => {
        const w = f.readF32('weight');
        const shape = f.info('weight').shape as [number, number];
        const q = quantizeNf4(w);
        const noDq = new Float32Array(w.length);
        for (let i = 0; i < w.length; i++) {
          noDq[i] = Math.fround(NF4_CODE[nf4IndexAt(q.packed, i)] * q.absmax[Math.floor(i / 64)]);
        }
        expect(bitDiffs(noDq, f.readF32('dequant'))).toBe(0);
        const weight = quantizeNf4Weight(w, shape);
        expect(bitDiffs(dequantizeNf4Weight(weight), f.readF32('dequant_dq'))).toBe(0);
        const ratio = nf4WeightBytes(weight) / (w.length * 4);
        console.log(`${name}: NF4 + double quant bytes / float32 bytes = ${ratio.toFixed(4)}`);
        // Tiny tensors pay for the partial tail block and the offset; large ones approach 0.129.
        if (w.length >= 4096) expect(ratio).toBeLessThanOrEqual(0.13);
      });
    });
  }
});
