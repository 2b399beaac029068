/**
 * Registers gft's WGSL fused kernels for the `webgpu` backend in core's fused-kernel
 * registry, once per process. Kernels not listed here (RMSNorm, GELU gate) run their
 * generic tfjs-op versions, which work on webgpu too. Also swaps in exact int32 FloorDiv /
 * Mod (see int32-division.ts), a fix to tfjs's webgpu backend rather than a gft kernel.
 */
import {
  NF4_MATMUL,
  type Nf4MatMulInputs,
  registerFusedKernel,
  VARLEN_ATTENTION,
  type VarlenAttentionInputs,
} from '@gft/core';
import { installExactInt32Division } from './int32-division.js';
import { nf4MatMulWebGpu } from './nf4-matmul.js';
import { varlenAttentionWebGpu } from './varlen-attention.js';

const SOURCE = '@gft/plugin-webgpu';

export const WEBGPU_FUSED_KERNELS: readonly string[] = [VARLEN_ATTENTION, NF4_MATMUL];

let installed = false;

/** Registers the kernels; a second call is a no-op, another copy of the plugin is a KERNEL_DUPLICATE error. */
export function installWebGpuKernels(): void {
  if (installed) return;
  installExactInt32Division();
  registerFusedKernel({
    kernelName: VARLEN_ATTENTION,
    backendName: 'webgpu',
    source: SOURCE,
    kernelFunc: (inputs: VarlenAttentionInputs, attrs) => varlenAttentionWebGpu(inputs, attrs),
  });
  registerFusedKernel({
    kernelName: NF4_MATMUL,
    backendName: 'webgpu',
    source: SOURCE,
    kernelFunc: (inputs: Nf4MatMulInputs, attrs) => nf4MatMulWebGpu(inputs, attrs),
  });
  installed = true;
}
