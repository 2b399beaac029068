/**
 * Peaks of a step: the tfjs engine's tensor bytes, what the backend counts itself (its
 * allocator's high-water marks, exact even inside a kernel, when it keeps them: cpu-native
 * does), and the process RSS (the kernel's high-water mark on Linux, else sampled). The
 * runner samples at the points where a step holds the most (after each micro-batch's
 * backward, before its gradients are folded in); the counted peaks need no sampling.
 */
import type { Backend } from '../backend.js';
import { tf } from '../tf.js';
import { resetRssHighWater, rssHighWater } from './rss-high-water.js';

export interface MemoryProbe {
  sample(): void;
  /** Peaks since the last `reset`. */
  peakTensorBytes: number;
  peakReservedBytes: number;
  /** The backend's tensor-byte high-water mark (0 when it keeps none). */
  peakBackendBytes: number;
  /** The backend allocator's held-bytes high-water mark (0 when it keeps none). */
  peakHeldBytes: number;
  peakRssBytes: number;
  reset(): void;
}

export function memoryProbe(backend?: Backend): MemoryProbe {
  let kernelHighWater = false;
  const probe: MemoryProbe = {
    peakTensorBytes: 0,
    peakReservedBytes: 0,
    peakBackendBytes: 0,
    peakHeldBytes: 0,
    peakRssBytes: 0,
    sample() {
      const tensorBytes = tf.memory().numBytes;
      const m = backend?.memory?.();
      const rss = Math.max(
        process.memoryUsage.rss(),
        (kernelHighWater ? rssHighWater() : undefined) ?? 0,
      );
      probe.peakTensorBytes = Math.max(probe.peakTensorBytes, tensorBytes);
      probe.peakReservedBytes = Math.max(probe.peakReservedBytes, m?.reservedBytes ?? 0);
      probe.peakBackendBytes = Math.max(probe.peakBackendBytes, m?.peakBytes ?? 0);
      probe.peakHeldBytes = Math.max(probe.peakHeldBytes, m?.peakHeldBytes ?? 0);
      probe.peakRssBytes = Math.max(probe.peakRssBytes, rss);
    },
    reset() {
      probe.peakTensorBytes = 0;
      probe.peakReservedBytes = 0;
      probe.peakBackendBytes = 0;
      probe.peakHeldBytes = 0;
      probe.peakRssBytes = 0;
      backend?.resetPeakMemory?.();
      kernelHighWater = resetRssHighWater();
    },
  };
  return probe;
}
