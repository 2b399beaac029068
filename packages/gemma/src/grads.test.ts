/**
 * Full fine-tune gradients against grads_full (every parameter) on the cpu backend, plain and
 * checkpointed training steps, packed and padded, tensor-count stability across steps, and
 * async readback (golden-suites.ts, shared with the other backends).
 */
import { CPU_BACKEND, fullFtGradientSuite } from './golden-suites.js';

fullFtGradientSuite(CPU_BACKEND);
