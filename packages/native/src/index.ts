/**
 * @gft/native: gft's native engine. A Node-API addon with one device per folder (host, CUDA)
 * and the tfjs `KernelBackend` over it. Backend plugins
 * (`@gft/plugin-cpu-native`) pick a device; this package does nothing on import.
 */
export {
  type AddonLoad,
  type BufferHandle,
  type DeviceHandle,
  loadNativeAddon,
  type NativeAddon,
} from './addon.js';
export {
  deviceAvailability,
  type NativeBackendPlugin,
  type NativeDeviceOptions,
  nativeBackendPlugin,
} from './backend-plugin.js';
export { NATIVE_FUSED_KERNELS } from './fused/index.js';
export { fallbackCounts, resetFallbackCounts } from './kernels/fallback.js';
export { NativeBackend, type NativeTensorInfo } from './native-backend.js';
export {
  DEVICE_KERNEL_NAMES,
  type NativeBackendOptions,
  nativeKernelNames,
  registerNativeBackend,
  setNativeStrict,
} from './register.js';
