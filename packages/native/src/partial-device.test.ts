/**
 * A device still growing its kernel table (the CUDA device, which cannot run here) keeps every
 * tfjs kernel working: the ones whose native kernels it has run natively, the others fall back
 * to tfjs-cpu (counted, nothing leaked when a kernel stops part-way), and fused kernels whose
 * native kernels it lacks stay on their generic implementations. Checked on the host device
 * with kernels hidden; and the list of native kernels a complete device has is the host's.
 */
import {
  cpuBackend,
  GELU_GATE,
  geluGate,
  RMS_NORM,
  registerTfjsCpu,
  resolveFusedKernel,
  rmsNorm,
  tf,
} from '@gft/core';
import { needs } from '@gft/core/testing';
import { describe, expect, it } from 'vitest';
import { NATIVE_FUSED_KERNELS } from './fused/index.js';
import {
  DEVICE_KERNEL_NAMES,
  fallbackCounts,
  loadNativeAddon,
  type NativeBackend,
  registerNativeBackend,
} from './index.js';

const load = loadNativeAddon();
const addon = needs('cpu-native', () => (load.ok ? undefined : load.reason));
const BACKEND = 'native-partial-test';

function ops(): Float32Array[] {
  return tf.tidy(() => {
    const a = tf.tensor2d([1, -2, 3, 4, 5, -6], [2, 3]);
    const b = tf.tensor2d([0.5, 1, -1, 2, 0, 3], [3, 2]);
    const w = tf.tensor1d([0.1, -0.2, 0.3]);
    return [
      tf.add(a, tf.scalar(1)),
      tf.mul(a, a),
      tf.matMul(a, b),
      tf.relu(a),
      rmsNorm({ x: a, weight: w }, { eps: 1e-6 }),
      geluGate({ gate: a, up: a }),
      // Kernels whose inputs are an array rather than named tensors.
      tf.concat([a, tf.neg(a)], 1),
      tf.addN([a, a, tf.abs(a)]),
      tf.stack([a, a], 0),
    ].map((t) => t.dataSync() as Float32Array);
  });
}

describe.skipIf(!addon.ok)(addon.title('a device with part of the kernel table'), () => {
  it("DEVICE_KERNEL_NAMES is the host device's table without the fused kernels", () => {
    if (!load.ok) throw new Error(load.reason);
    const fused = new Set(Object.values(NATIVE_FUSED_KERNELS).flat());
    const host = load.addon
      .kernelNames(load.addon.openDevice('host'))
      .filter((name) => !fused.has(name));
    expect([...DEVICE_KERNEL_NAMES].sort()).toEqual(host.sort());
  });

  it('runs what it has natively, falls back for the rest, and leaks nothing', async () => {
    await registerTfjsCpu();
    registerNativeBackend({
      backendName: BACKEND,
      deviceName: 'host',
      hiddenKernels: ['binary', 'rmsNormForward', 'concat', 'addN'],
    });
    await cpuBackend().setup();
    const expected = ops();
    await tf.setBackend(BACKEND);
    expect(resolveFusedKernel(RMS_NORM, BACKEND)?.via).toBe('generic');
    expect(resolveFusedKernel(GELU_GATE, BACKEND)?.source).toBe('@gft/native (src/fused)');
    const actual = ops();
    const tensors = tf.memory().numTensors;
    const nativeBytes = (tf.backend() as NativeBackend).memory().nativeBytes;
    ops();
    expect(tf.memory().numTensors).toBe(tensors);
    expect((tf.backend() as NativeBackend).memory().nativeBytes).toBe(nativeBytes);
    for (const [i, e] of expected.entries()) {
      for (let j = 0; j < e.length; j++) expect(actual[i][j]).toBeCloseTo(e[j], 5);
    }
    const counted = fallbackCounts(BACKEND);
    // Binary ops fell back; matmul and relu (unary) stayed native.
    expect(counted.Add).toBeGreaterThan(0);
    expect(counted.Multiply).toBeGreaterThan(0);
    expect(counted.Concat).toBeGreaterThan(0);
    expect(counted.AddN).toBeGreaterThan(0);
    expect(counted.BatchMatMul).toBeUndefined();
    expect(counted.Relu).toBeUndefined();
    await cpuBackend().setup();
  });
});
