/**
 * The built-in `wasm` backend plugin: tfjs-backend-wasm (XNNPACK, SIMD), made fit for
 * training by the kernels registered in `setup`.
 */
import '@tensorflow/tfjs-backend-wasm';
import type { Backend } from '../../backend.js';
import { tf } from '../../tf.js';

export interface WasmBackendOptions {
  /** Worker threads for XNNPACK (default: 1 in Node). */
  threads?: number;
}

export function wasmBackend(_options: WasmBackendOptions = {}): Backend {
  return {
    kind: 'backend',
    name: 'wasm',
    tfBackend: 'wasm',
    async setup() {
      if (tf.getBackend() === 'wasm') return;
      await tf.setBackend('wasm');
      await tf.ready();
    },
    memory: () => ({ tensorBytes: tf.memory().numBytes }),
  };
}
