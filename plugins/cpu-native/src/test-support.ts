/**
 * Test support (not exported): whether cpu-native loads here and its strict form (a kernel
 * without a native implementation throws instead of running on tfjs-cpu); the rows and models
 * the training suites build come from model-fixtures.ts.
 */
import { needs } from '@gft/core/testing';
import { CPU_NATIVE, cpuNative, nativeAvailability } from './index.js';
import { fallbackReport as fallbacksOf } from './model-fixtures.js';

export {
  buildModel,
  FAMILIES,
  packedMicroBatch,
  seededRows,
  TECHNIQUES,
  useCpu,
} from './model-fixtures.js';

const availability = nativeAvailability();

/** cpu-native's requirement: skipped where the addon cannot load (failed under GFT_REQUIRE). */
export const native = needs('cpu-native', () =>
  availability.ok ? undefined : availability.reason,
);

/** The suites' backend: cpu-native with every JavaScript fallback forbidden. */
export const STRICT_NATIVE = {
  name: CPU_NATIVE,
  setup: () => cpuNative({ strict: true }).setup(),
};

/** What left cpu-native, and whether strict mode is live. */
export function fallbackReport(): { fallbacks: Record<string, number>; strict: boolean } {
  return fallbacksOf(CPU_NATIVE);
}
