/**
 * Samples memory during a step: the tfjs engine's tensor bytes (the backend's reserved bytes
 * when it reports them, e.g. the wasm heap) and the process RSS. tfjs has no peak counter
 * that is cheap to keep on, so the runner samples at the points where a step holds the most
 * (after each micro-batch's backward, before its gradients are folded in).
 */
import type { Backend } from '../backend.js';
import { tf } from '../tf.js';

export interface MemoryProbe {
  sample(): void;
  /** Peaks since the last `reset`. */
  peakTensorBytes: number;
  peakReservedBytes: number;
  peakRssBytes: number;
  reset(): void;
}

export function memoryProbe(backend?: Backend): MemoryProbe {
  const probe: MemoryProbe = {
    peakTensorBytes: 0,
    peakReservedBytes: 0,
    peakRssBytes: 0,
    sample() {
      const tensorBytes = tf.memory().numBytes;
      const reserved = backend?.memory?.().reservedBytes ?? 0;
      const rss = process.memoryUsage.rss();
      if (tensorBytes > probe.peakTensorBytes) probe.peakTensorBytes = tensorBytes;
      if (reserved > probe.peakReservedBytes) probe.peakReservedBytes = reserved;
      if (rss > probe.peakRssBytes) probe.peakRssBytes = rss;
    },
    reset() {
      probe.peakTensorBytes = 0;
      probe.peakReservedBytes = 0;
      probe.peakRssBytes = 0;
    },
  };
  return probe;
}
