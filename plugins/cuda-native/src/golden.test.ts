/**
 * The golden fixture suites on cuda-native, with the tolerances they have on every backend:
 * the Gemma / Gemma-2 forward of every model fixture, full fine-tune gradients, op-level
 * values, the PEFT LoRA adapter, LoRA over a bf16 base, and QLoRA / NF4. Needs a GPU.
 */
import { describe, it } from 'vitest';
import {
  fullFtGradientSuite,
  goldenForwardSuite,
  opsGoldenSuite,
} from '../../../packages/gemma/src/golden-suites.js';
import { bf16BaseGoldenSuite, peftAdapterGoldenSuite } from '../../lora/src/golden-suites.js';
import { qloraGoldenSuite } from '../../qlora/src/golden-suites.js';
import { CUDA_BACKEND, gpu } from './test-support.js';

// Without a GPU this is one skipped test saying why, not one per fixture.
const suite = gpu.ok ? describe : () => it.skip(gpu.title('golden fixtures on cuda-native'));

suite('golden fixtures on cuda-native', () => {
  opsGoldenSuite(CUDA_BACKEND);
  goldenForwardSuite(CUDA_BACKEND);
  fullFtGradientSuite(CUDA_BACKEND);
  peftAdapterGoldenSuite(CUDA_BACKEND);
  bf16BaseGoldenSuite(CUDA_BACKEND);
  qloraGoldenSuite(CUDA_BACKEND);
});
