/**
 * Registers gft's WGSL fused kernels for the `webgpu` backend in core's fused-kernel
 * registry, once per process. Kernels not listed here run their generic (tfjs ops)
 * versions, which work on webgpu too.
 */
import { registerFusedKernel, VARLEN_ATTENTION, type VarlenAttentionInputs } from '@gft/core';
import { varlenAttentionWebGpu } from './varlen-attention.js';

const SOURCE = '@gft/plugin-webgpu';

export const WEBGPU_FUSED_KERNELS: readonly string[] = [VARLEN_ATTENTION];

let installed = false;

/** Registers the kernels; a second call is a no-op, another copy of the plugin is a KERNEL_DUPLICATE error. */
export function installWebGpuKernels(): void {
  if (installed) return;
  registerFusedKernel({
    kernelName: VARLEN_ATTENTION,
    backendName: 'webgpu',
    source: SOURCE,
    kernelFunc: (inputs: VarlenAttentionInputs, attrs) => varlenAttentionWebGpu(inputs, attrs),
  });
  installed = true;
}
