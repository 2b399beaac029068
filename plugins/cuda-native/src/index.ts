/** @gft/plugin-cuda-native: the `cuda-native` backend plugin (CUDA device of @gft/native). */
export {
  CUDA_NATIVE,
  type CudaNativeOptions,
  cudaAvailability,
  cudaNative,
} from './cuda-native-backend.js';
export { type CublasLtSearch, cublasLtSearchPath, findCublasLt } from './find-cublaslt.js';
