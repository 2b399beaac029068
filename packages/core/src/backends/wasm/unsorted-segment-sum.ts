/**
 * `UnsortedSegmentSum` for wasm, which tfjs-backend-wasm 4.22 lacks. The gradient of
 * `gather` calls it, so without it no embedding table can be trained on wasm.
 *
 * A JS kernel over the wasm heap: scatter-add is memory bound, so a plain loop over
 * `Float32Array` views is as fast as a C++ one would be. Not a general segment-reduction
 * library: sum only, as tfjs's op defines it (ids outside [0, numSegments) are dropped).
 *
 * Shapes: x [...S, ...I], segmentIds [...S] (int32), out [numSegments, ...I].
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { GftError } from '../../errors/gft-error.js';
import { tf } from '../../tf.js';
import type { WasmBackendInternals } from './wasm-internals.js';

interface UnsortedSegmentSumAttrs {
  numSegments: number;
}

const unsortedSegmentSum = (args: {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: unknown;
  attrs: UnsortedSegmentSumAttrs;
}): TensorInfo => {
  const { x, segmentIds } = args.inputs;
  const { numSegments } = args.attrs;
  const backend = args.backend as WasmBackendInternals;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new GftError(
      'BAD_INPUT',
      `UnsortedSegmentSum (wasm): x has dtype ${x.dtype}; supported: float32, int32`,
      { where: 'backends/wasm/unsorted-segment-sum' },
    );
  }
  if (segmentIds.dtype !== 'int32') {
    throw new GftError(
      'BAD_INPUT',
      `UnsortedSegmentSum (wasm): segmentIds has dtype ${segmentIds.dtype}; supported: int32`,
      { where: 'backends/wasm/unsorted-segment-sum' },
    );
  }
  const idsRank = segmentIds.shape.length;
  const innerShape = x.shape.slice(idsRank);
  const numIds = tf.util.sizeFromShape(segmentIds.shape);
  const inner = tf.util.sizeFromShape(innerShape);

  // Allocate before taking any view: a heap growth detaches every earlier view.
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  const outValues = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  outValues.fill(0);
  if (numIds === 0 || inner === 0) return out;
  const xValues = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;

  for (let i = 0; i < numIds; i++) {
    const segment = ids[i];
    if (segment < 0 || segment >= numSegments) continue;
    const src = i * inner;
    const dst = segment * inner;
    for (let j = 0; j < inner; j++) outValues[dst + j] += xValues[src + j];
  }
  return out;
};

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as KernelFunc,
};
