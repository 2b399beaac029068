/**
 * cpu-native against tfjs-cpu on the kernel conformance suite of `@gft/core/testing`: one
 * test per case, named by kernel and case, printing the max difference when it fails; then
 * that no case left native code (cpu-native runs a kernel it lacks on tfjs-cpu and counts
 * it: `fallbackCounts`). Skipped, saying why, where the addon cannot load (a failure where
 * GFT_REQUIRE declares cpu-native).
 */
import { tf } from '@gft/core';
import {
  type ConformanceResult,
  checkConformance,
  conformanceCases,
  needs,
  summarizeConformance,
} from '@gft/core/testing';
import { fallbackCounts, resetFallbackCounts } from '@gft/native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CPU_NATIVE, cpuNative, nativeAvailability } from './index.js';

const availability = nativeAvailability();
const native = needs('cpu-native', () => (availability.ok ? undefined : availability.reason));

/** Case name -> why cpu-native differs from tfjs-cpu. */
const KNOWN_DEVIATIONS: Record<string, string> = {};

const results: ConformanceResult[] = [];

describe.skipIf(!native.ok)(native.title('cpu-native kernel conformance against tfjs-cpu'), () => {
  beforeAll(async () => {
    await cpuNative().setup();
    resetFallbackCounts(CPU_NATIVE);
  });

  afterAll(() => {
    console.log(summarizeConformance(CPU_NATIVE, results));
  });

  it.each(conformanceCases())('$kernel | $name', async (c) => {
    const verdict = await checkConformance(CPU_NATIVE, c, KNOWN_DEVIATIONS);
    results.push(verdict.result);
    expect(verdict.pass, verdict.message).toBe(true);
  });

  it('ran every case natively: no kernel fell back to JavaScript', () => {
    expect(results.length).toBe(conformanceCases().length);
    expect(fallbackCounts(CPU_NATIVE)).toEqual({});
    expect(tf.getBackend()).toBe(CPU_NATIVE);
  });
});
