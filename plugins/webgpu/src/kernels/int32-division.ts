/**
 * Exact int32 `FloorDiv` and `Mod` for webgpu. tfjs-backend-webgpu 4.22 computes both in
 * float32 even for int32 tensors, so any operand beyond 2^24 comes out wrong (0x7fffffff
 * floor-divided by 2^28 gives 8, not 7); QLoRA decodes its packed int32 words with exactly
 * these ops. These kernels replace the stock ones for int32 inputs and delegate every
 * other dtype to them. Integer WGSL throughout: inputs are read as i32, never through
 * tfjs's float-returning accessors. Broadcasting is done here with per-input strides.
 */
import { tf } from '@gft/core';
import type { WebGpuBackendInternals } from '../webgpu-internals.js';
import { flatProgram } from './wgsl-program.js';

const MAX_RANK = 6;

const OPS = {
  FloorDiv: `
fn op(a : i32, b : i32) -> i32 {
  if (b == 0) { return 0; }
  if (a == -2147483647 - 1 && b == -1) { return a; }
  let q = a / b;
  let r = a - q * b;
  return select(q, q - 1, r != 0 && ((r < 0) != (b < 0)));
}`,
  // Floored modulo: the result takes the divisor's sign (tfjs semantics); 0 for b == 0.
  Mod: `
fn op(a : i32, b : i32) -> i32 {
  if (b == 0 || b == -1) { return 0; }
  let r = a % b;
  return select(r, r + b, r != 0 && ((r < 0) != (b < 0)));
}`,
} as const;

type OpName = keyof typeof OPS;

/** [out shape | a strides | b strides], each padded to MAX_RANK; stride 0 where broadcast. */
function broadcastMeta(aShape: number[], bShape: number[], outShape: number[]): Int32Array {
  const meta = new Int32Array(3 * MAX_RANK);
  const pad = MAX_RANK - outShape.length;
  for (let d = 0; d < MAX_RANK; d++) meta[d] = d < pad ? 1 : outShape[d - pad];
  const strides = (shape: number[], base: number) => {
    let stride = 1;
    for (let d = MAX_RANK - 1; d >= 0; d--) {
      const i = d - (MAX_RANK - shape.length);
      const dim = i >= 0 ? shape[i] : 1;
      meta[base + d] = dim === 1 ? 0 : stride;
      stride *= dim;
    }
  };
  strides(aShape, MAX_RANK);
  strides(bShape, 2 * MAX_RANK);
  return meta;
}

function int32Program(name: OpName, outShape: number[]) {
  const program = flatProgram({
    key: `int32_${name}`,
    variableNames: ['A', 'B', 'Meta'],
    outputShape: outShape,
    threads: tf.util.sizeFromShape(outShape),
    body: `${OPS[name]}
fn main(index : i32) {
  if (index >= uniforms.size) { return; }
  var rest = index;
  var ia = 0;
  var ib = 0;
  for (var d = ${MAX_RANK - 1}; d >= 0; d--) {
    let dim = Meta[d];
    let c = rest % dim;
    rest = rest / dim;
    ia += c * Meta[${MAX_RANK} + d];
    ib += c * Meta[${2 * MAX_RANK} + d];
  }
  result[index] = op(A[ia], B[ib]);
}`,
  });
  return { ...program, size: true };
}

/** Replacement configs for `kernelName`, keeping `stock` for non-int32 inputs. */
export function exactInt32Kernel(name: OpName, stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: {
    inputs: { a: tf.TensorInfo; b: tf.TensorInfo };
    backend: unknown;
    attrs: Record<string, unknown>;
  }): tf.TensorInfo | tf.TensorInfo[] => {
    const { a, b } = args.inputs;
    if (a.dtype !== 'int32' || b.dtype !== 'int32') {
      return stock.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    const backend = args.backend as WebGpuBackendInternals & {
      makeTensorInfo(shape: number[], dtype: string, values: Int32Array): tf.TensorInfo;
    };
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const meta = backend.makeTensorInfo(
      [3 * MAX_RANK],
      'int32',
      broadcastMeta(a.shape, b.shape, outShape),
    );
    const out = backend.runWebGPUProgram(int32Program(name, outShape), [a, b, meta], 'int32');
    backend.disposeData(meta.dataId);
    return out;
  };
  return {
    kernelName: name,
    backendName: 'webgpu',
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  };
}

let installed = false;

/** Swaps the stock webgpu FloorDiv / Mod for the exact-int32 ones, once per process. */
export function installExactInt32Division(): void {
  if (installed) return;
  for (const name of Object.keys(OPS) as OpName[]) {
    const stock = tf.getKernel(name, 'webgpu');
    if (stock === undefined) continue; // nothing to fix (or to delegate to)
    tf.unregisterKernel(name, 'webgpu');
    tf.registerKernel(exactInt32Kernel(name, stock));
  }
  installed = true;
}
