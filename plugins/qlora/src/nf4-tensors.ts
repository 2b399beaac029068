/**
 * An Nf4Weight moved into tfjs tensors in its compact form, as the NF4 matmul kernel
 * consumes it: packed codes as int32 words (four packed bytes each), the 8-bit absmax
 * indices likewise, the nested float32 scales and the offset. Persistent bytes equal the
 * bitsandbytes storage (n/2 + nb + 4 * nested + 4), about 0.129 of float32.
 *
 * Shape legend: n = out * in, nb = ceil(n / 64), nn = ceil(nb / 256).
 * Not here: the matmul (nf4-matmul.ts).
 */
import { tf } from '@gft/core';
import type { Nf4Weight } from './nf4-weight.js';

export interface Nf4Tensors {
  shape: [number, number];
  blockSize: number;
  /** [ceil(n / 8)] int32: the packed bytes, four per element, little-endian. */
  packedWords: tf.Tensor1D;
  /** [ceil(nb / 4)] int32: the 8-bit absmax indices, four per element, little-endian. */
  qabsmaxWords: tf.Tensor1D;
  /** [nn] float32 */
  nestedAbsmax: tf.Tensor1D;
  /** [256] float32 nested map. */
  nestedMap: tf.Tensor1D;
  offset: number;
  nestedBlocksize: number;
  nblocks: number;
  /** Bytes held by the tensors above, the shared nested map excluded. */
  bytes: number;
  /**
   * The weight back from the tensors (for merging and export): no JavaScript copy of the
   * packed codes is kept beside them, which for gemma2-9b would be 3.8 GiB more resident.
   */
  toWeight(): Nf4Weight;
  dispose(): void;
}

/** The first `n` bytes of little-endian int32 words. */
function wordsToBytes(words: Int32Array, n: number): Uint8Array {
  return new Uint8Array(words.buffer, words.byteOffset, words.length * 4).slice(0, n);
}

/** Reinterprets bytes as little-endian int32 words, zero-padded to a multiple of 4. */
export function bytesToWords(bytes: Uint8Array): Int32Array {
  const padded = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  padded.set(bytes);
  const view = new DataView(padded.buffer);
  const words = new Int32Array(padded.length / 4);
  for (let i = 0; i < words.length; i++) words[i] = view.getInt32(i * 4, true);
  return words;
}

/**
 * One tensor per distinct nested map (usually the shared DYNAMIC_MAP), counted by its users
 * so the last weight's dispose frees it: a disposed model leaves no tensor behind.
 */
const sharedMaps = new Map<Float32Array, { tensor: tf.Tensor1D; users: number }>();

function acquireMap(map: Float32Array): tf.Tensor1D {
  let entry = sharedMaps.get(map);
  if (!entry || entry.tensor.isDisposed) {
    entry = { tensor: tf.keep(tf.tensor1d(map)), users: 0 };
    sharedMaps.set(map, entry);
  }
  entry.users += 1;
  return entry.tensor;
}

function releaseMap(map: Float32Array): void {
  const entry = sharedMaps.get(map);
  if (!entry) return;
  entry.users -= 1;
  if (entry.users <= 0) {
    entry.tensor.dispose();
    sharedMaps.delete(map);
  }
}

export function nf4ToTensors(w: Nf4Weight): Nf4Tensors {
  const packedWords = tf.keep(tf.tensor1d(bytesToWords(w.packed), 'int32'));
  const qabsmaxWords = tf.keep(tf.tensor1d(bytesToWords(w.absmax.qabsmax), 'int32'));
  const nestedAbsmax = tf.keep(tf.tensor1d(w.absmax.nestedAbsmax));
  const nestedMap = acquireMap(w.absmax.nestedMap);
  // Only the small parts of `w` are kept: the closures below must not hold the packed codes.
  const { shape, blocksize, code } = w;
  const { nestedMap: map, offset, nestedBlocksize } = w.absmax;
  const packedBytes = w.packed.length;
  const nblocks = w.absmax.qabsmax.length;
  const bytes = (packedWords.size + qabsmaxWords.size + nestedAbsmax.size) * 4 + 4;
  return {
    shape,
    blockSize: blocksize,
    packedWords,
    qabsmaxWords,
    nestedAbsmax,
    nestedMap,
    offset,
    nestedBlocksize,
    nblocks,
    bytes,
    toWeight: () => ({
      shape,
      blocksize,
      code,
      packed: wordsToBytes(packedWords.dataSync() as Int32Array, packedBytes),
      absmax: {
        qabsmax: wordsToBytes(qabsmaxWords.dataSync() as Int32Array, nblocks),
        nestedAbsmax: Float32Array.from(nestedAbsmax.dataSync()),
        offset,
        nestedBlocksize,
        nestedMap: map,
      },
    }),
    dispose() {
      if (packedWords.isDisposed) return;
      packedWords.dispose();
      qabsmaxWords.dispose();
      nestedAbsmax.dispose();
      releaseMap(map);
    },
  };
}

/**
 * [nb] float32 block scales with double quantisation undone: map[q] * nested (float32)
 * then + offset (float32), exactly as bitsandbytes. Transient: 1/16 of the dense size.
 */
export function dequantizedAbsmax(t: Nf4Tensors): tf.Tensor1D {
  return tf.tidy(() => {
    const divisors = tf.tensor2d([1, 256, 65536, 16777216], [1, 4], 'int32');
    const q = tf
      .mod(tf.floorDiv(t.qabsmaxWords.expandDims(1), divisors), tf.scalar(256, 'int32'))
      .reshape([-1]) as tf.Tensor1D;
    const nn = t.nestedAbsmax.size;
    const total = nn * t.nestedBlocksize;
    let mapped = tf.gather(t.nestedMap, q.slice(0, t.nblocks));
    if (mapped.size < total) mapped = mapped.pad([[0, total - mapped.size]]);
    const scaled = tf.mul(mapped.reshape([nn, t.nestedBlocksize]), t.nestedAbsmax.expandDims(1));
    return tf.add(scaled, tf.scalar(t.offset)).reshape([-1]).slice(0, t.nblocks) as tf.Tensor1D;
  });
}
