/**
 * The golden fixture suites on cpu-native, strict (a kernel without a native implementation
 * throws instead of running on tfjs-cpu), with the tolerances they have on cpu and wasm: the
 * Gemma / Gemma-2 forward of every model fixture (f32, bf16, sharded, variants; packed ==
 * padded; layer outputs), full fine-tune gradients, op-level values, the PEFT LoRA adapter
 * (logits, loss, gradients) and QLoRA / NF4 (bit-exact dequantisation, logits, gradients).
 * The suites are the packages' own (their golden-suites.ts), run here because those packages
 * cannot depend on this one. Each check prints its max difference.
 */
import { describe, expect, it } from 'vitest';
import {
  fullFtGradientSuite,
  goldenForwardSuite,
  opsGoldenSuite,
} from '../../../packages/gemma/src/golden-suites.js';
import { bf16BaseGoldenSuite, peftAdapterGoldenSuite } from '../../lora/src/golden-suites.js';
import { qloraGoldenSuite } from '../../qlora/src/golden-suites.js';
import { fallbackReport, native, STRICT_NATIVE } from './test-support.js';

describe.skipIf(!native.ok)(native.title('golden fixtures on cpu-native (strict)'), () => {
  opsGoldenSuite(STRICT_NATIVE);
  goldenForwardSuite(STRICT_NATIVE);
  fullFtGradientSuite(STRICT_NATIVE);
  peftAdapterGoldenSuite(STRICT_NATIVE);
  bf16BaseGoldenSuite(STRICT_NATIVE);
  qloraGoldenSuite(STRICT_NATIVE);

  it('nothing fell back to JavaScript, and strict mode was live', () => {
    const report = fallbackReport();
    expect(report.fallbacks).toEqual({});
    expect(report.strict).toBe(true);
  });
});
