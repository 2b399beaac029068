/**
 * Exact `FloorDiv` and `Mod` for int32 on wasm. tfjs-backend-wasm 4.22 computes both in
 * float32 even for int32 tensors, so any operand beyond 2^24 comes out wrong; QLoRA unpacks
 * its 4-bit codes from packed int32 words with exactly these ops. float32 inputs keep the
 * stock kernels. Shapes broadcast as tfjs defines it (numpy rules).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../../tf.js';
import { stockWasmKernel } from './stock-kernels.js';
import type { WasmBackendInternals } from './wasm-internals.js';

type IntOp = (a: number, b: number) => number;

// Python/TF semantics: the quotient rounds toward -inf and the remainder takes b's sign.
const floorDivInt: IntOp = (a, b) => (b === 0 ? 0 : Math.floor(a / b));
const modInt: IntOp = (a, b) => {
  if (b === 0) return 0;
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
};

function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1, o = outShape.length - 1; i >= 0; i--, o--) {
    strides[o] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

function int32Binary(kernelName: 'FloorDiv' | 'Mod', op: IntOp): KernelFunc {
  return ((args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: unknown }) => {
    const { a, b } = args.inputs;
    if (a.dtype !== 'int32' || b.dtype !== 'int32') {
      return stockWasmKernel(kernelName)(args as never) as TensorInfo;
    }
    const backend = args.backend as WasmBackendInternals;
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = backend.makeOutput(outShape, 'int32');
    const size = tf.util.sizeFromShape(outShape);
    if (size === 0) return out;
    // Views after the allocation: a heap growth detaches earlier ones.
    const outValues = backend.typedArrayFromHeap(out) as Int32Array;
    const aValues = backend.typedArrayFromHeap(a) as Int32Array;
    const bValues = backend.typedArrayFromHeap(b) as Int32Array;
    const aSize = aValues.length;
    const bSize = bValues.length;
    if (aSize === size && bSize === size) {
      for (let i = 0; i < size; i++) outValues[i] = op(aValues[i], bValues[i]);
    } else if (aSize === size && bSize === 1) {
      const bv = bValues[0];
      for (let i = 0; i < size; i++) outValues[i] = op(aValues[i], bv);
    } else {
      const rank = outShape.length;
      const aStrides = broadcastStrides(a.shape, outShape);
      const bStrides = broadcastStrides(b.shape, outShape);
      const index = new Array<number>(rank).fill(0);
      let ai = 0;
      let bi = 0;
      for (let i = 0; i < size; i++) {
        outValues[i] = op(aValues[ai], bValues[bi]);
        for (let d = rank - 1; d >= 0; d--) {
          index[d]++;
          ai += aStrides[d];
          bi += bStrides[d];
          if (index[d] < outShape[d]) break;
          ai -= aStrides[d] * outShape[d];
          bi -= bStrides[d] * outShape[d];
          index[d] = 0;
        }
      }
    }
    return out;
  }) as unknown as KernelFunc;
}

export const floorDivConfig: KernelConfig = {
  kernelName: 'FloorDiv',
  backendName: 'wasm',
  kernelFunc: int32Binary('FloorDiv', floorDivInt),
};

export const modConfig: KernelConfig = {
  kernelName: 'Mod',
  backendName: 'wasm',
  kernelFunc: int32Binary('Mod', modInt),
};
