/**
 * An NF4 projection keeps its codes once, in its tensors: `dense()` reads the weight back from
 * them (the JavaScript arrays it was quantised into used to stay alive through closures for
 * this, 3.8 GiB resident beside the tensors of gemma2-9b), bit for bit the quantised weight.
 */
import { cpuBackend, type LinearSite } from '@gft/core';
import { seededNormal } from '@gft/gemma';
import { beforeAll, describe, expect, it } from 'vitest';
import { nf4Projection } from './nf4-projection.js';
import { dequantizeNf4Weight, quantizeNf4Weight } from './nf4-weight.js';

const site: LinearSite = {
  name: 'w',
  layer: 0,
  module: 'up_proj',
  inFeatures: 1000,
  outFeatures: 333,
};
const values = () => seededNormal(site.inFeatures * site.outFeatures, 0.02, 1, 'w');

describe('nf4Projection.dense', () => {
  beforeAll(async () => {
    await cpuBackend().setup();
  });

  it('reads the quantised weight back from the tensors, bit for bit', () => {
    const projection = nf4Projection(site, { name: 'w', shape: [333, 1000], readF32: values });
    const expected = dequantizeNf4Weight(quantizeNf4Weight(values(), [333, 1000]));
    const dense = projection.dense();
    expect(dense.length).toBe(expected.length);
    expect(Buffer.compare(Buffer.from(dense.buffer), Buffer.from(expected.buffer))).toBe(0);
    projection.dispose();
  });
});
