/**
 * A bitsandbytes 4-bit weight whose quant_state JSON or companions are damaged is a
 * BAD_CHECKPOINT naming the companion: before, broken JSON threw a SyntaxError, a missing
 * shape a TypeError, and an infinite offset or short table loaded into NaN weights.
 */
import { join } from 'node:path';
import { type CompanionTensor, GftError, type WeightSource } from '@gft/core';
import { openSafetensors } from '@gft/safetensors';
import { afterAll, describe, expect, it } from 'vitest';
import { nf4FromBnb, QUANT_STATE_SUFFIX } from './bnb-layout.js';
import { FIXTURES } from './test-support.js';

const reader = openSafetensors(join(FIXTURES, 'nf4', 'bnb_linear.safetensors'));
afterAll(() => reader.close());

const STATE = new TextDecoder().decode(reader.readBytes(`linear.weight.${QUANT_STATE_SUFFIX}`));

/** The fixture's `linear.weight` ([128, 96]) with companions optionally replaced. */
function source(replace: Record<string, ArrayBufferView> = {}): WeightSource {
  const companions: Record<string, CompanionTensor> = {};
  for (const n of reader.names()) {
    if (!n.startsWith('linear.weight.')) continue;
    const suffix = n.slice('linear.weight.'.length);
    const info = reader.info(n);
    companions[suffix] = {
      dtype: info.dtype,
      shape: info.shape,
      read: () => replace[suffix] ?? reader.readBytes(n),
    };
  }
  const info = reader.info('linear.weight');
  return {
    name: 'linear.weight',
    shape: [128, 96],
    companions,
    stored: { dtype: info.dtype, shape: info.shape, read: () => reader.readBytes('linear.weight') },
  };
}

const stateWith = (edit: (s: Record<string, unknown>) => void) => {
  const s = JSON.parse(STATE);
  edit(s);
  return new TextEncoder().encode(JSON.stringify(s));
};

function error(src: WeightSource): GftError {
  try {
    nf4FromBnb(src);
  } catch (e) {
    if (GftError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('bitsandbytes quant_state and companions are checked', () => {
  it('the fixture reads', () => {
    expect(nf4FromBnb(source()).shape).toEqual([128, 96]);
  });

  const stateCases: [string, Uint8Array, RegExp][] = [
    ['not JSON', new TextEncoder().encode('{"quant_type": "nf4", '), /not UTF-8 JSON/],
    ['an array', new TextEncoder().encode('[1]'), /must be a JSON object, got \[1\]/],
    ['no shape', stateWith((s) => delete s.shape), /shape must be \[out, in\].*got undefined/],
    ['string shape', stateWith((s) => (s.shape = '128x96')), /shape must be \[out, in\]/],
    [
      'blocksize 0',
      stateWith((s) => (s.blocksize = 0)),
      /blocksize must be a positive integer, got 0/,
    ],
    [
      'blocksize "64"',
      stateWith((s) => (s.blocksize = '64')),
      /blocksize must be a positive integer, got "64"/,
    ],
    [
      'nested_blocksize -1',
      stateWith((s) => (s.nested_blocksize = -1)),
      /nested_blocksize must be a positive integer, got -1/,
    ],
    [
      'nested_offset 1e999 (Infinity after JSON.parse)',
      new TextEncoder().encode(STATE.replace(/"nested_offset": [^}]+/, '"nested_offset": 1e999')),
      /nested_offset must be a finite number, got Infinity/,
    ],
    [
      'nested_offset "0.05"',
      stateWith((s) => (s.nested_offset = '0.05')),
      /nested_offset must be a finite number, got "0.05"/,
    ],
  ];
  for (const [label, bytes, message] of stateCases) {
    it(`quant_state: ${label}`, () => {
      const e = error(source({ [QUANT_STATE_SUFFIX]: bytes }));
      expect(e.code).toBe('BAD_CHECKPOINT');
      expect(e.where).toBe(`linear.weight.${QUANT_STATE_SUFFIX}`);
      expect(e.message).toMatch(message);
    });
  }

  it('tables and nested absmax of the wrong length', () => {
    expect(error(source({ quant_map: new Float32Array(8) })).message).toMatch(
      /quant_map: 8 entries, expected 16/,
    );
    expect(error(source({ nested_quant_map: new Float32Array(16) })).message).toMatch(
      /nested_quant_map: 16 entries, expected 256/,
    );
    const e = error(source({ nested_absmax: new Float32Array(0) }));
    expect(e.where).toBe('linear.weight.nested_absmax');
    expect(e.message).toMatch(
      /nested_absmax: 0 entries, expected 1 \(192 blocks \/ nested_blocksize 256\)/,
    );
  });
});
