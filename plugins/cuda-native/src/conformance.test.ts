/**
 * cuda-native against tfjs-cpu on the kernel conformance suite of `@gft/core/testing`, one
 * test per case; then which kernels still ran on tfjs-cpu (the CUDA device's table is still
 * growing: those are counted and printed, not failures). Needs a GPU (see test-support.ts).
 */
import {
  type ConformanceResult,
  checkConformance,
  conformanceCases,
  summarizeConformance,
} from '@gft/core/testing';
import { fallbackCounts, resetFallbackCounts } from '@gft/native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUDA_NATIVE, cudaNative } from './index.js';
import { gpu } from './test-support.js';

const results: ConformanceResult[] = [];

// Without a GPU this is one skipped test saying why, not one per case.
const suite = gpu.ok ? describe : () => it.skip(gpu.title('cuda-native kernel conformance'));

suite('cuda-native kernel conformance against tfjs-cpu', () => {
  beforeAll(async () => {
    await cudaNative().setup();
    resetFallbackCounts(CUDA_NATIVE);
  });

  afterAll(() => {
    console.log(summarizeConformance(CUDA_NATIVE, results));
    console.log(`cuda-native fallbacks: ${JSON.stringify(fallbackCounts(CUDA_NATIVE))}`);
  });

  it.each(conformanceCases())('$kernel | $name', async (c) => {
    const verdict = await checkConformance(CUDA_NATIVE, c, {});
    results.push(verdict.result);
    expect(verdict.pass, verdict.message).toBe(true);
  });
});
