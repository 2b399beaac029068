/**
 * Test helpers of the fused kernels: seeded inputs, the native backend under test, and running
 * one function on it and on tfjs-cpu (the reference: core's or QLoRA's generic kernels).
 */
import { registerTfjsCpu, tf } from '@gft/core';
import { loadNativeAddon, type NativeBackend, registerNativeBackend } from '../index.js';

export const load = loadNativeAddon();
export const BACKEND = 'native-fused-test';
/**
 * The device under test: the host, or (the `simt` project of vitest.config.ts) the CUDA
 * device's kernels running on the SIMT emulator.
 */
export const DEVICE = process.env.GFT_FUSED_TEST_DEVICE ?? 'host';

/** Uniform values in [-amp, amp) from a small LCG, so every run sees the same inputs. */
export function seeded(n: number, seed: number, amp = 1): Float32Array {
  let s = seed >>> 0;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = (s / 2 ** 32) * 2 * amp - amp;
  }
  return v;
}

export async function useNative(threads?: number): Promise<void> {
  await registerTfjsCpu();
  registerNativeBackend({ backendName: BACKEND, deviceName: DEVICE });
  await tf.setBackend(BACKEND);
  const backend = tf.backend() as NativeBackend;
  // 0 restores the default (every core).
  backend.addon.setThreads(backend.device, threads ?? 0);
}

/** Runs `f` on `backend` and returns its tensors' values (everything else is disposed). */
export async function valuesOn(backend: string, f: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => f().map((t) => t.dataSync() as Float32Array));
}

/** Tensors and native bytes left after `f` (run in a tidy, once to warm up, then measured). */
export function leftBehind(f: () => unknown): { tensors: number; nativeBytes: number } {
  const backend = tf.backend() as NativeBackend;
  tf.tidy(() => {
    f();
  });
  const tensors = tf.memory().numTensors;
  const bytes = backend.memory().nativeBytes;
  tf.tidy(() => {
    f();
  });
  return {
    tensors: tf.memory().numTensors - tensors,
    nativeBytes: backend.memory().nativeBytes - bytes,
  };
}
