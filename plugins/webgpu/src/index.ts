/**
 * @gft/plugin-webgpu: the `webgpu` backend plugin (tfjs-backend-webgpu on Dawn in Node,
 * navigator.gpu in browsers) with gft's fused kernels in WGSL.
 */

export {
  type AcquiredAdapter,
  type AdapterProbe,
  type AdapterSearchOptions,
  acquireAdapter,
  probeAdapter,
} from './acquire-adapter.js';
export type { AdapterAttempt } from './adapter-attempts.js';
export type {
  GpuAdapterInfoLike,
  GpuAdapterLike,
  GpuDeviceLike,
  GpuLike,
} from './gpu-types.js';
export { installWebGpuKernels, WEBGPU_FUSED_KERNELS } from './kernels/install.js';
export { nf4MatMulWebGpu } from './kernels/nf4-matmul.js';
export {
  type AttentionAttrs,
  varlenAttentionBackward,
  varlenAttentionForward,
  varlenAttentionWebGpu,
} from './kernels/varlen-attention.js';
export { SWIFTSHADER_ICD_CANDIDATES } from './node-dawn.js';
export { adapterOptions, type WebGpuBackendOptions, webgpu } from './webgpu-backend.js';
