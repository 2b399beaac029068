/**
 * gft's fused kernels on native backends: registers the native implementations of
 * VARLEN_ATTENTION, RMS_NORM, GELU_GATE, NF4_MATMUL and BF16_MATMUL in core's fused-kernel registry for a
 * backend name. Every device of the engine provides the native kernels they call (the host
 * device in native/host/attention.cc, nf4.cc, bf16.cc, norm.cc); this file never branches on which.
 */
import {
  BF16_MATMUL,
  GELU_GATE,
  NF4_MATMUL,
  RMS_NORM,
  registerFusedKernel as registerFusedKernelOfCore,
  VARLEN_ATTENTION,
} from '@gft/core';
import { bf16MatMulNative } from './bf16-matmul.js';
import { geluGateNative } from './gelu-gate.js';
import { nf4MatMulNative } from './nf4-matmul.js';
import { rmsNormNative } from './rms-norm.js';
import { varlenAttentionNative } from './varlen-attention.js';

const SOURCE = '@gft/native (src/fused)';

/** The fused kernels a native backend gets, and the native kernels each calls. */
export const NATIVE_FUSED_KERNELS: Readonly<Record<string, readonly string[]>> = {
  [VARLEN_ATTENTION]: ['attentionForward', 'attentionBackward'],
  [RMS_NORM]: ['rmsNormForward', 'rmsNormBackward'],
  [GELU_GATE]: ['geluGateForward', 'geluGateBackward'],
  [NF4_MATMUL]: ['nf4MatMul', 'nf4MatMulGradX'],
  [BF16_MATMUL]: ['bf16MatMul', 'bf16MatMulGradX'],
};

const registered = new Set<string>();

/**
 * Registers the native fused kernels for `backendName` whose native kernels the device has
 * (`deviceHas`; default: all); the others stay on their generic implementations. A second
 * call for the same backend is a no-op.
 */
export function registerNativeFusedKernels(
  backendName: string,
  deviceHas: (nativeKernels: readonly string[]) => boolean = () => true,
): void {
  if (registered.has(backendName)) return;
  const registerFusedKernel: typeof registerFusedKernelOfCore = (config) =>
    deviceHas(NATIVE_FUSED_KERNELS[config.kernelName])
      ? registerFusedKernelOfCore(config)
      : () => undefined;
  registerFusedKernel({
    kernelName: VARLEN_ATTENTION,
    backendName,
    source: SOURCE,
    kernelFunc: varlenAttentionNative,
  });
  registerFusedKernel({
    kernelName: RMS_NORM,
    backendName,
    source: SOURCE,
    kernelFunc: rmsNormNative,
  });
  registerFusedKernel({
    kernelName: GELU_GATE,
    backendName,
    source: SOURCE,
    kernelFunc: geluGateNative,
  });
  registerFusedKernel({
    kernelName: NF4_MATMUL,
    backendName,
    source: SOURCE,
    kernelFunc: nf4MatMulNative,
  });
  registerFusedKernel({
    kernelName: BF16_MATMUL,
    backendName,
    source: SOURCE,
    kernelFunc: bf16MatMulNative,
  });
  registered.add(backendName);
}
