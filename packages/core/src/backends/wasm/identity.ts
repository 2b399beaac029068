/**
 * `Identity` for wasm that shares the input's buffer instead of copying it.
 *
 * The engine runs Identity (`tf.clone`) on every tensor it saves for backprop, and stock
 * tfjs-backend-wasm copies the whole buffer each time: a full extra copy of the
 * activations per training step. wasm tensors are immutable (variables swap dataIds on
 * `assign`), so sharing is safe; the backend's per-dataId refCount frees the buffer when
 * the last tensor on it is disposed. Strings keep the stock kernel's behaviour.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../../tf.js';
import type { WasmBackendInternals } from './wasm-internals.js';

const identity = (args: { inputs: { x: TensorInfo }; backend: unknown }): TensorInfo => {
  const { x } = args.inputs;
  const backend = args.backend as WasmBackendInternals & {
    readSync(dataId: unknown): unknown;
  };
  if (x.dtype === 'string') {
    // String tensors live in JS, not on the heap; a copy is what stock wasm does.
    return tf.tensor(backend.readSync(x.dataId) as string[], x.shape, x.dtype) as TensorInfo;
  }
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};

export const identityConfig: KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
