/**
 * Reads a weight stored in bitsandbytes' 4-bit serialisation layout (what
 * `Linear4bit.state_dict()` writes, e.g. a `load_in_4bit` checkpoint): the packed codes
 * under the weight's own key plus companions `absmax`, `quant_map`, `nested_absmax`,
 * `nested_quant_map` and `quant_state.bitsandbytes__nf4` (UTF-8 JSON). The JSON's
 * `nested_offset` is authoritative: it is the offset the writer subtracted.
 *
 * Not here: quantising dense weights (nf4-weight.ts).
 */
import { type CompanionTensor, GftError, type WeightSource } from '@gft/core';
import { jsonPreview } from '@gft/safetensors';
import type { DoubleQuantAbsmax } from './double-quant.js';
import { DYNAMIC_MAP, NF4_CODE } from './nf4-tables.js';
import type { Nf4Weight } from './nf4-weight.js';

export const QUANT_STATE_SUFFIX = 'quant_state.bitsandbytes__nf4';

/** The parsed `quant_state.bitsandbytes__nf4` JSON. */
export interface BnbQuantState {
  quant_type: string;
  blocksize: number;
  dtype: string;
  shape: number[];
  nested_blocksize?: number;
  nested_dtype?: string;
  nested_offset?: number;
}

/** True when the source carries bitsandbytes 4-bit companions. */
export function isBnb4bit(source: WeightSource): boolean {
  return source.companions?.[QUANT_STATE_SUFFIX] !== undefined;
}

function bytesOf(t: CompanionTensor): Uint8Array {
  const v = t.read();
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function f32Of(t: CompanionTensor, where: string): Float32Array {
  if (t.dtype !== 'F32') {
    throw new GftError('BAD_CHECKPOINT', `${where}: expected F32, found ${t.dtype}`, { where });
  }
  const v = t.read();
  // Copy: the reader may hand out a view of a buffer it reuses.
  return new Float32Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}

/**
 * Parses and checks the quant_state JSON: untrusted bytes, so every field the
 * dequantisation uses must have its type and range (a blocksize of 0 or an infinite
 * offset would give NaN weights without an error).
 */
function parseQuantState(bytes: Uint8Array, name: string): BnbQuantState {
  const where = `${name}.${QUANT_STATE_SUFFIX}`;
  const bad = (why: string): never => {
    throw new GftError('BAD_CHECKPOINT', `${where}: ${why}`, { where });
  };
  let state: unknown;
  try {
    state = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    bad('not UTF-8 JSON');
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state))
    bad(`must be a JSON object, got ${jsonPreview(state)}`);
  const s = state as Record<string, unknown>;
  const positiveInt = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
  if (!Array.isArray(s.shape) || s.shape.length !== 2 || !s.shape.every(positiveInt))
    bad(`shape must be [out, in] (positive integers), got ${jsonPreview(s.shape)}`);
  if (!positiveInt(s.blocksize))
    bad(`blocksize must be a positive integer, got ${jsonPreview(s.blocksize)}`);
  if (s.nested_blocksize !== undefined && !positiveInt(s.nested_blocksize))
    bad(`nested_blocksize must be a positive integer, got ${jsonPreview(s.nested_blocksize)}`);
  // JSON.parse turns 1e999 into Infinity, so finiteness needs checking even here.
  if (
    s.nested_offset !== undefined &&
    !(typeof s.nested_offset === 'number' && Number.isFinite(s.nested_offset))
  )
    bad(`nested_offset must be a finite number, got ${jsonPreview(s.nested_offset)}`);
  return s as unknown as BnbQuantState;
}

/** Same values as the shared constant? Then share it (so it is counted once). */
function shareIfEqual(table: Float32Array, constant: Float32Array): Float32Array {
  if (table.length !== constant.length) return table;
  for (let i = 0; i < table.length; i++) if (!Object.is(table[i], constant[i])) return table;
  return constant;
}

/** Builds an Nf4Weight from a bitsandbytes 4-bit weight source. */
export function nf4FromBnb(source: WeightSource): Nf4Weight {
  const c = source.companions ?? {};
  const need = (suffix: string): CompanionTensor => {
    const t = c[suffix];
    if (!t) {
      throw new GftError(
        'BAD_CHECKPOINT',
        `${source.name}: bitsandbytes 4-bit weight lacks '${source.name}.${suffix}' (has: ${Object.keys(c).join(', ') || '(none)'})`,
        { where: source.name },
      );
    }
    return t;
  };
  const state = parseQuantState(bytesOf(need(QUANT_STATE_SUFFIX)), source.name);
  if (state.quant_type !== 'nf4') {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${source.name}: quant_type ${jsonPreview(state.quant_type)} is not supported (supported: nf4)`,
      { where: source.name },
    );
  }
  const [out, inF] = source.shape;
  if (state.shape[0] !== out || state.shape[1] !== inF) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${source.name}: quant_state shape [${state.shape}] differs from the site's [${out}, ${inF}]`,
      { where: source.name },
    );
  }
  const storedTensor = source.stored;
  if (!storedTensor) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${source.name}: no packed 4-bit data (WeightSource.stored is absent; the loader must hand the weight's own stored tensor there)`,
      { where: source.name },
    );
  }
  const n = out * inF;
  const packed = bytesOf(storedTensor).slice();
  if (packed.length !== Math.ceil(n / 2)) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${source.name}: ${packed.length} packed bytes, expected ${Math.ceil(n / 2)} for [${out}, ${inF}]`,
      { where: source.name },
    );
  }
  const nblocks = Math.ceil(n / state.blocksize);
  const code = shareIfEqual(f32Of(need('quant_map'), `${source.name}.quant_map`), NF4_CODE);
  // 4-bit codes index the map: a shorter one would read undefined (NaN weights).
  if (code.length !== 16) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${source.name}.quant_map: ${code.length} entries, expected 16 (one per 4-bit code)`,
      { where: `${source.name}.quant_map` },
    );
  }
  const absmaxT = need('absmax');
  let absmax: DoubleQuantAbsmax;
  if (c['nested_absmax']) {
    if (state.nested_offset === undefined) {
      throw new GftError(
        'BAD_CHECKPOINT',
        `${source.name}: nested quant state lacks nested_offset`,
        {
          where: source.name,
        },
      );
    }
    absmax = {
      qabsmax: bytesOf(absmaxT).slice(),
      nestedAbsmax: f32Of(c['nested_absmax'], `${source.name}.nested_absmax`),
      offset: Math.fround(state.nested_offset),
      nestedBlocksize: state.nested_blocksize ?? 256,
      nestedMap: shareIfEqual(
        f32Of(need('nested_quant_map'), `${source.name}.nested_quant_map`),
        DYNAMIC_MAP,
      ),
    };
  } else {
    // Without double quantisation the absmax is plain float32: hold it as an exact
    // "double quant" with one nested block of scale 1 would lose bits, so reject instead.
    throw new GftError(
      'BAD_CHECKPOINT',
      `${source.name}: 4-bit weight without double quantisation is not supported (bnb_4bit_use_double_quant: true is)`,
      { where: source.name },
    );
  }
  if (absmax.nestedMap.length !== 256) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${source.name}.nested_quant_map: ${absmax.nestedMap.length} entries, expected 256 (one per 8-bit code)`,
      { where: `${source.name}.nested_quant_map` },
    );
  }
  const nested = Math.ceil(nblocks / absmax.nestedBlocksize);
  if (absmax.nestedAbsmax.length !== nested) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${source.name}.nested_absmax: ${absmax.nestedAbsmax.length} entries, expected ${nested} (${nblocks} blocks / nested_blocksize ${absmax.nestedBlocksize})`,
      { where: `${source.name}.nested_absmax` },
    );
  }
  if (absmax.qabsmax.length !== nblocks) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${source.name}.absmax: ${absmax.qabsmax.length} blocks, expected ${nblocks}`,
      { where: `${source.name}.absmax` },
    );
  }
  return { shape: [out, inF], blocksize: state.blocksize, packed, code, absmax };
}
