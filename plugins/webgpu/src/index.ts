/**
 * @gft/plugin-webgpu: the `webgpu` backend plugin (tfjs-backend-webgpu on Dawn in Node,
 * navigator.gpu in browsers) with gft's fused kernels in WGSL.
 */

export {
  type AcquiredAdapter,
  type AdapterProbe,
  acquireAdapter,
  probeAdapter,
} from './acquire-adapter.js';
export type { AdapterAttempt } from './adapter-attempts.js';
export { SWIFTSHADER_ICD_CANDIDATES } from './node-dawn.js';
export { adapterOptions, type WebGpuBackendOptions, webgpu } from './webgpu-backend.js';
