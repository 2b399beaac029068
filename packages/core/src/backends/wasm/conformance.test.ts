/**
 * The wasm backend as gft sets it up (stock tfjs-wasm 4.22 plus gft's kernel overrides)
 * against tfjs-cpu on the whole kernel conformance suite of `@gft/core/testing`: one test per
 * case, named by kernel and case, printing the max difference when it fails. Known
 * deviations are listed with the reason, never skipped silently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConformanceResult,
  checkConformance,
  conformanceCases,
  summarizeConformance,
} from '../../testing/conformance/index.js';
import { wasmBackend } from './wasm-backend.js';

/**
 * Case name -> why wasm differs from tfjs-cpu. Stock tfjs-backend-wasm 4.22 kernels that gft
 * does not override (bugs in tfjs, not fixed here), and two inputs wasm refuses with an
 * error. No training step gft runs reaches them with these inputs (float32 math only).
 */
const KNOWN_DEVIATIONS: Record<string, string> = {
  'Sign special values': 'stock Sign answers 0 for 0 < |x| < about 1e-7 (here ±1e-30)',
  'Select bool [3]': 'stock Select reads bool branches wrongly (all false here)',
  'ClipByValue special values to [-1e30, 1e30]':
    'stock ClipByValue (an XNNPACK clamp) turns NaN into the lower bound; cpu keeps NaN',
  'ClipByValue int32': 'stock ClipByValue reads int32 data as float32',
  'Cast float32 to bool':
    'stock Cast to bool keeps the low byte of the int32 value instead of testing != 0',
  'Cast int32 to bool':
    'stock Cast to bool keeps the low byte instead of testing != 0 (256 is false, -1 is 255)',
  'Cast float32 special values to bool':
    'stock Cast to bool keeps the low byte of the int32 value instead of testing != 0',
  'StridedSlice int32 step 3':
    'stock StridedSlice (gft overrides only unit steps) answers float32 holding the int32 bits',
  'OneHot [2,3] ids, on 0.9 off 0.025, float32':
    'stock OneHot writes int32 bit patterns into a float32 output',
  'BatchMatMul int32 [3,4] x [4,2]':
    "gft's wasm BatchMatMul is float32 only and says so (GftError); cpu multiplies int32",
  '_FusedMatMul [2,8,6] x [2,5,8] transposes, bias [2,6,1], sigmoid':
    'stock _FusedMatMul takes a rank-1 bias only and throws; gft never fuses a bias',
};

const results: ConformanceResult[] = [];

describe('wasm kernel conformance against tfjs-cpu', () => {
  beforeAll(async () => {
    await wasmBackend().setup();
  });

  afterAll(() => {
    console.log(summarizeConformance('wasm', results));
  });

  it.each(conformanceCases())('$kernel | $name', async (c) => {
    const verdict = await checkConformance('wasm', c, KNOWN_DEVIATIONS);
    results.push(verdict.result);
    expect(verdict.pass, verdict.message).toBe(true);
  });
});
