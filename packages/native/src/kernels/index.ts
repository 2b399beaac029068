/** Every tfjs kernel the native backend implements, by file. */
import { creationKernels } from './creation.js';
import { elementwiseKernels } from './elementwise.js';
import type { NativeKernel } from './kernel.js';
import { matmulKernels } from './matmul.js';
import { movementKernels } from './movement.js';
import { reduceKernels } from './reduce.js';

export const NATIVE_KERNELS: readonly NativeKernel[] = [
  ...elementwiseKernels,
  ...movementKernels,
  ...reduceKernels,
  ...matmulKernels,
  ...creationKernels,
];
