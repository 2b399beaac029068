/**
 * `BatchMatMul` and `_FusedMatMul` for wasm that always reach XNNPACK.
 *
 * Stock tfjs-backend-wasm 4.22 sends a matmul to XNNPACK only when both operands have
 * batch 1 and neither is transposed; every other case (every gradient matmul, batched
 * attention, even `[B, T, D] x [D, N]`) runs a naive loop at 1-3.5 GFLOP/s. Here:
 * transposed operands are materialised with gft's heap transpose (transpose.ts, memory
 * bound), and the product runs through the stock C++ entry point in its XNNPACK case:
 * once over `[batch * M, K]` when B is shared by all batches, else once per output batch
 * on zero-copy heap views (broadcast batch dims included). A plain BatchMatMul may
 * instead compute (op(b)ᵀ·op(a)ᵀ)ᵀ when that moves fewer elements (see `batchMatMul`).
 *
 * Not a new GEMM: the arithmetic is XNNPACK's. Shapes: a [...Ba, M, K] (or [..., K, M]
 * with transposeA), b [...Bb, K, N] (or [..., N, K]), out [...broadcast(Ba, Bb), M, N].
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { GftError } from '../../errors/gft-error.js';
import { tf } from '../../tf.js';
import { stockWasmKernel } from './stock-kernels.js';
import { transposeLastTwoDims } from './transpose.js';
import {
  cwrapOnce,
  type HeapView,
  heapView,
  releaseHeapView,
  type WasmBackendInternals,
} from './wasm-internals.js';

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

interface FusedMatMulAttrs extends MatMulAttrs {
  activation: string;
  leakyreluAlpha?: number;
}

interface MatMulPlan {
  m: number;
  k: number;
  n: number;
  outShape: number[];
  /** For each output batch (flat), the flat batch index into a and into b. */
  aBatchOf: Int32Array;
  bBatchOf: Int32Array;
  batchA: number;
  batchB: number;
}

/** Must match cc/fusable_activations.h of tfjs-backend-wasm 4.22. */
const FUSABLE_ACTIVATION: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  prelu: 3,
  leakyrelu: 4,
  sigmoid: 5,
  elu: 6,
};

function planMatMul(a: TensorInfo, b: TensorInfo, attrs: MatMulAttrs, kernel: string): MatMulPlan {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = attrs.transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const ka = attrs.transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = attrs.transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = attrs.transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (ka !== kb) {
    throw new GftError(
      'BAD_INPUT',
      `${kernel} (wasm): inner dimensions differ: a [${a.shape}] (transposeA=${attrs.transposeA}) ` +
        `has ${ka}, b [${b.shape}] (transposeB=${attrs.transposeB}) has ${kb}`,
      { where: 'backends/wasm/batch-mat-mul' },
    );
  }
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const outOuter = tf.broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter);
  const outBatch = tf.util.sizeFromShape(outOuter);
  return {
    m,
    k: ka,
    n,
    outShape: [...outOuter, m, n],
    aBatchOf: broadcastBatchIndex(outOuter, aOuter, outBatch),
    bBatchOf: broadcastBatchIndex(outOuter, bOuter, outBatch),
    batchA: tf.util.sizeFromShape(aOuter),
    batchB: tf.util.sizeFromShape(bOuter),
  };
}

/** Flat index into `inner` (right-aligned, size-1 dims broadcast) for each flat index of `outer`. */
function broadcastBatchIndex(outer: number[], inner: number[], count: number): Int32Array {
  const result = new Int32Array(count);
  const offset = outer.length - inner.length;
  const innerStrides = new Array<number>(inner.length).fill(1);
  for (let d = inner.length - 2; d >= 0; d--) innerStrides[d] = innerStrides[d + 1] * inner[d + 1];
  for (let i = 0; i < count; i++) {
    let rest = i;
    let flat = 0;
    for (let d = outer.length - 1; d >= 0; d--) {
      const coord = rest % outer[d];
      rest = Math.floor(rest / outer[d]);
      const id = d - offset;
      if (id >= 0 && inner[id] !== 1) flat += coord * innerStrides[id];
    }
    result[i] = flat;
  }
  return result;
}

/**
 * Runs `call(aId, bId, outId)` (one XNNPACK matmul of [1, rows, K] x [1, K, N]) over the
 * plan's batches, with a and b already untransposed: a [batchA, M, K], b [batchB, K, N].
 */
function runBatches(
  backend: WasmBackendInternals,
  a: TensorInfo,
  b: TensorInfo,
  out: TensorInfo,
  plan: MatMulPlan,
  call: (aId: number, aRows: number, bId: number, outId: number) => void,
): void {
  const { m, k, n } = plan;
  const outBatch = plan.aBatchOf.length;
  const views: HeapView[] = [];
  const whole = (base: TensorInfo) => backend.dataIdMap.get(base.dataId).id;
  // b always goes through a fresh view id: XNNPACK caches the operator with b's packed
  // values and K, N keyed on b's id alone, and a reshape shares the id, so reusing a real
  // id could reuse an operator built for another shape (a latent bug of the stock kernel).
  // That costs one packing of b per call, O(K*N) against O(M*K*N) of arithmetic.
  const view = (base: TensorInfo, offset: number, shape: number[]): number => {
    const v = heapView(backend, base, offset, shape);
    views.push(v);
    return v.id;
  };
  try {
    if (plan.batchB === 1 && plan.batchA === outBatch) {
      // b is shared by every batch: one matmul over all rows of a, no views of a needed.
      const rows = outBatch * m;
      call(whole(a), rows, view(b, 0, [1, k, n]), whole(out));
      return;
    }
    for (let i = 0; i < outBatch; i++) {
      const aId = view(a, plan.aBatchOf[i] * m * k, [1, m, k]);
      const bId = view(b, plan.bBatchOf[i] * k * n, [1, k, n]);
      call(aId, m, bId, view(out, i * m * n, [1, m, n]));
      // Release as we go: each b view carries a packed XNNPACK operator until released.
      while (views.length > 0) releaseHeapView(backend, views.pop()!);
    }
  } finally {
    while (views.length > 0) releaseHeapView(backend, views.pop()!);
  }
}

/** Shared body: untranspose, allocate, run; `call` is the C++ entry point for one batch. */
function matMulViaXnnpack(
  backend: WasmBackendInternals,
  a: TensorInfo,
  b: TensorInfo,
  attrs: MatMulAttrs,
  plan: MatMulPlan,
  call: (aId: number, aRows: number, bId: number, outId: number) => void,
): TensorInfo {
  const temporaries: TensorInfo[] = [];
  try {
    const a2 = attrs.transposeA ? transposeLastTwoDims(backend, a) : a;
    if (a2 !== a) temporaries.push(a2);
    const b2 = attrs.transposeB ? transposeLastTwoDims(backend, b) : b;
    if (b2 !== b) temporaries.push(b2);
    const out = backend.makeOutput(plan.outShape, 'float32');
    try {
      runBatches(backend, a2, b2, out, plan, call);
    } catch (error) {
      backend.disposeData(out.dataId);
      throw error;
    }
    return out;
  } finally {
    for (const t of temporaries) backend.disposeData(t.dataId);
  }
}

/** An empty output, or zeros when K is 0 (the sum over nothing). */
function degenerate(backend: WasmBackendInternals, plan: MatMulPlan): TensorInfo | undefined {
  if (plan.m * plan.n * plan.aBatchOf.length !== 0 && plan.k !== 0) return undefined;
  const out = backend.makeOutput(plan.outShape, 'float32');
  if (tf.util.sizeFromShape(plan.outShape) > 0) backend.typedArrayFromHeap(out).fill(0);
  return out;
}

function requireFloat32(kernel: string, a: TensorInfo, b: TensorInfo): void {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new GftError(
      'BAD_INPUT',
      `${kernel} (wasm): a is ${a.dtype}, b is ${b.dtype}; supported: float32 only`,
      { where: 'backends/wasm/batch-mat-mul' },
    );
  }
}

const shapeBytes = (shape: number[]) => new Uint8Array(new Int32Array(shape).buffer);

/**
 * Relative cost of XNNPACK packing one weight element (every call packs b) against the
 * JS transpose moving one element: ~4.5 ns vs ~3 ns per float32 measured here.
 */
const PACK_COST = 1.5;

/** Elements moved before the arithmetic: transposes of a and b, plus packing b per call. */
function preparationCost(plan: MatMulPlan, attrs: MatMulAttrs): number {
  const outBatch = plan.aBatchOf.length;
  const packs = plan.batchB === 1 && plan.batchA === outBatch ? 1 : outBatch;
  return (
    (attrs.transposeA ? plan.batchA * plan.m * plan.k : 0) +
    (attrs.transposeB ? plan.batchB * plan.k * plan.n : 0) +
    PACK_COST * packs * plan.k * plan.n
  );
}

function batchMatMulCall(
  backend: WasmBackendInternals,
  plan: MatMulPlan,
): (aId: number, rows: number, bId: number, outId: number) => void {
  const cpp = cwrapOnce(backend.wasm, 'BatchMatMul', null, [
    'number', // a_id
    'array', // a_shape
    'number', // a_shape.length
    'number', // b_id
    'array', // b_shape
    'number', // b_shape.length
    'number', // transpose_a
    'number', // transpose_b
    'number', // out_id
  ]);
  const bShape = shapeBytes([1, plan.k, plan.n]);
  return (aId, rows, bId, outId) => {
    cpp(aId, shapeBytes([1, rows, plan.k]), 3, bId, bShape, 3, 0, 0, outId);
  };
}

/**
 * Plain matmul, by the cheaper of two routes: op(a)·op(b) directly, or as
 * (op(b)ᵀ·op(a)ᵀ)ᵀ. The second moves the packing onto a's side and transposes the
 * [M, N] product instead: it wins when b is large and a or the output is thin, e.g.
 * LoRA's `dB = hᵀ·du` with h [4096, 16] and du [4096, 1024] (4M elements packed per call
 * the direct way; 4M transposed plus 64K packed the other). `route` 'direct' always takes
 * the first (the benchmark's baseline for the choice).
 */
export function batchMatMulKernel(route: 'auto' | 'direct'): KernelFunc {
  return ((args: {
    inputs: { a: TensorInfo; b: TensorInfo };
    backend: unknown;
    attrs: MatMulAttrs;
  }): TensorInfo => {
    const { a, b } = args.inputs;
    const backend = args.backend as WasmBackendInternals;
    requireFloat32('BatchMatMul', a, b);
    const plan = planMatMul(a, b, args.attrs, 'BatchMatMul');
    const empty = degenerate(backend, plan);
    if (empty !== undefined) return empty;
    const swappedAttrs = {
      transposeA: !args.attrs.transposeB,
      transposeB: !args.attrs.transposeA,
    };
    const swapped = planMatMul(b, a, swappedAttrs, 'BatchMatMul');
    const outElements = plan.aBatchOf.length * plan.m * plan.n;
    const swapWins =
      preparationCost(swapped, swappedAttrs) + outElements < preparationCost(plan, args.attrs);
    if (route === 'auto' && swapWins) {
      const call = batchMatMulCall(backend, swapped);
      const productT = matMulViaXnnpack(backend, b, a, swappedAttrs, swapped, call);
      try {
        return transposeLastTwoDims(backend, productT);
      } finally {
        backend.disposeData(productT.dataId);
      }
    }
    return matMulViaXnnpack(backend, a, b, args.attrs, plan, batchMatMulCall(backend, plan));
  }) as unknown as KernelFunc;
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMulKernel('auto'),
};

/**
 * `_FusedMatMul` (matmul + bias + activation): same treatment. Bias must be rank 1 with
 * N elements (XNNPACK packs it per output channel); PReLU weights, other bias shapes,
 * unknown activations and empty shapes go to the stock kernel, which is correct, only slow.
 */
const fusedMatMul = (args: {
  inputs: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  backend: unknown;
  attrs: FusedMatMulAttrs;
}): TensorInfo => {
  const { a, b, bias, preluActivationWeights } = args.inputs;
  const backend = args.backend as WasmBackendInternals;
  requireFloat32('_FusedMatMul', a, b);
  const plan = planMatMul(a, b, args.attrs, '_FusedMatMul');
  const activation = FUSABLE_ACTIVATION[args.attrs.activation];
  const fast =
    preluActivationWeights == null &&
    activation !== undefined &&
    activation !== FUSABLE_ACTIVATION.prelu &&
    (bias == null || (bias.shape.length === 1 && bias.shape[0] === plan.n)) &&
    plan.k !== 0 &&
    plan.m * plan.n * plan.aBatchOf.length !== 0;
  if (!fast) return stockWasmKernel('_FusedMatMul')(args as never) as TensorInfo;
  const cpp = cwrapOnce(backend.wasm, '_FusedMatMul', null, [
    'number', // a_id
    'array', // a_shape
    'number', // a_shape.length
    'number', // b_id
    'array', // b_shape
    'number', // b_shape.length
    'number', // transpose_a
    'number', // transpose_b
    'number', // activation
    'number', // bias_id
    'number', // prelu_weights_id
    'number', // leakyrelu_alpha
    'number', // out_id
  ]);
  const biasId = bias == null ? 0 : backend.dataIdMap.get(bias.dataId).id;
  const alpha = args.attrs.leakyreluAlpha ?? 0;
  const bShape = shapeBytes([1, plan.k, plan.n]);
  return matMulViaXnnpack(backend, a, b, args.attrs, plan, (aId, rows, bId, outId) => {
    cpp(
      aId,
      shapeBytes([1, rows, plan.k]),
      3,
      bId,
      bShape,
      3,
      0,
      0,
      activation,
      biasId,
      0,
      alpha,
      outId,
    );
  });
};

export const fusedMatMulConfig: KernelConfig = {
  kernelName: '_FusedMatMul',
  backendName: 'wasm',
  kernelFunc: fusedMatMul as unknown as KernelFunc,
};
