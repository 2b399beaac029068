/** @gft/plugin-cpu-native: the `cpu-native` backend plugin (host device of @gft/native). */
export {
  CPU_NATIVE,
  type CpuNativeOptions,
  cpuNative,
  nativeAvailability,
} from './cpu-native-backend.js';
