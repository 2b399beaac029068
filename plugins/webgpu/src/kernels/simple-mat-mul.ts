/**
 * A barrier-free `BatchMatMul` for webgpu on fallback adapters (SwiftShader and other CPU
 * implementations of WebGPU). tfjs's tiled matmul synchronises workgroups through shared
 * memory, which a CPU driver emulates at great cost: on SwiftShader a 64^3 matmul took
 * ~30 ms that way and ~5 ms as one plain loop per output element. On a real GPU the tiled
 * kernel is the right one, so this is installed only for fallback adapters; any dtype other
 * than float32 still goes to the stock kernel.
 *
 * Shape legend: a [...batch, M, K] (or [..., K, M] when transposeA), b [...batch, K, N]
 * (or [..., N, K] when transposeB), out [...batch, M, N]; batch dims broadcast when one
 * side has a batch of 1.
 */
import { GftError, tf } from '@gft/core';
import type { WebGpuBackendInternals } from '../webgpu-internals.js';
import { flatProgram } from './wgsl-program.js';

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

function program(outShape: number[], transposeA: boolean, transposeB: boolean) {
  const aAt = transposeA ? 'A[ab + t * M + r]' : 'A[ab + r * K + t]';
  const bAt = transposeB ? 'B[bb + c * K + t]' : 'B[bb + t * N + c]';
  return flatProgram({
    key: `simple_matmul_${transposeA}_${transposeB}`,
    variableNames: ['A', 'B'],
    outputShape: outShape,
    threads: tf.util.sizeFromShape(outShape),
    uniforms: 'M : i32, N : i32, K : i32, batchA : i32, batchB : i32, total : i32,',
    body: `
fn main(index : i32) {
  if (index >= uniforms.total) { return; }
  let M = uniforms.M;
  let N = uniforms.N;
  let K = uniforms.K;
  let batch = index / (M * N);
  let rc = index - batch * M * N;
  let r = rc / N;
  let c = rc - r * N;
  let ab = select(batch, 0, uniforms.batchA == 1) * M * K;
  let bb = select(batch, 0, uniforms.batchB == 1) * K * N;
  var acc = 0.0;
  for (var t = 0; t < K; t++) {
    acc += ${aAt} * ${bAt};
  }
  result[index] = acc;
}`,
  });
}

/** The replacement config; `stock` serves non-float32 inputs. */
export function simpleBatchMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: {
    inputs: { a: tf.TensorInfo; b: tf.TensorInfo };
    backend: unknown;
    attrs: MatMulAttrs;
  }): tf.TensorInfo | tf.TensorInfo[] => {
    const { a, b } = args.inputs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') {
      return stock.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    const { transposeA, transposeB } = args.attrs;
    const ra = a.shape.length;
    const rb = b.shape.length;
    const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const kB = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    const batchShapeA = a.shape.slice(0, -2);
    const batchShapeB = b.shape.slice(0, -2);
    const batchA = tf.util.sizeFromShape(batchShapeA);
    const batchB = tf.util.sizeFromShape(batchShapeB);
    if (K !== kB || (batchA !== batchB && batchA !== 1 && batchB !== 1)) {
      throw new GftError(
        'BAD_INPUT',
        `BatchMatMul (webgpu, fallback adapter): inner dims ${K} and ${kB} or batches ${batchA} and ${batchB} do not match (a [${a.shape.join(', ')}], b [${b.shape.join(', ')}], transposeA ${transposeA}, transposeB ${transposeB})`,
        { where: 'plugin webgpu: BatchMatMul' },
      );
    }
    const batchShape = tf.backend_util.assertAndGetBroadcastShape(batchShapeA, batchShapeB);
    const outShape = [...batchShape, M, N];
    const total = tf.util.sizeFromShape(outShape);
    const backend = args.backend as WebGpuBackendInternals;
    return backend.runWebGPUProgram(program(outShape, transposeA, transposeB), [a, b], 'float32', [
      { type: 'int32', data: [M] },
      { type: 'int32', data: [N] },
      { type: 'int32', data: [K] },
      { type: 'int32', data: [batchA] },
      { type: 'int32', data: [batchB] },
      { type: 'int32', data: [total] },
    ]);
  };
  return {
    kernelName: 'BatchMatMul',
    backendName: 'webgpu',
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  };
}

let installed = false;

/** Swaps in the barrier-free BatchMatMul, once per process. */
export function installSimpleMatMul(): void {
  if (installed) return;
  const stock = tf.getKernel('BatchMatMul', 'webgpu');
  if (stock === undefined) return;
  tf.unregisterKernel('BatchMatMul', 'webgpu');
  tf.registerKernel(simpleBatchMatMulConfig(stock));
  installed = true;
}
