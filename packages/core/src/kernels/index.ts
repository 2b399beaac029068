/** The fused-kernel registry: gft kernel names, generic implementations, backend overrides. */

export type { Run as SequenceRun } from './generic/attention-blocks.js';
export { fastTanh } from './generic/fast-tanh.js';
export { geluGateGeneric, geluTanh } from './generic/gelu-gate.js';
export { rmsNormGeneric } from './generic/rms-norm.js';
export { sequenceRuns, varlenAttentionGeneric } from './generic/varlen-attention.js';
export * from './kernel-names.js';
export { bf16MatMul, geluGate, nf4MatMul, rmsNorm, varlenAttention } from './ops.js';
export {
  ANY_BACKEND,
  type FusedKernelConfig,
  listFusedKernels,
  registerFusedKernel,
  resolveFusedKernel,
  runFusedKernel,
} from './registry.js';
