/**
 * A typed view of the tfjs-backend-webgpu 4.22 backend instance, as far as gft touches it:
 * running a WGSL program (`runWebGPUProgram`, public but untyped for our program objects)
 * and the buffer manager's byte counts. Pinned to 4.22: `bufferManager` and the helper
 * names the shader generator provides are internals.
 */
import { GftError, tf } from '@gft/core';

/** A WGSL program in the shape tfjs-backend-webgpu's shader generator expects. */
export interface WebGpuProgram {
  /** Input buffer names, in `inputs` order; in WGSL `array<f32>` (or i32) storage buffers. */
  variableNames: string[];
  outputShape: number[];
  /** Cache key of the compiled pipeline: must change whenever `getUserCode` does. */
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  /** Declares `uniforms.size` (the output element count). */
  size?: boolean;
  /** Extra uniform fields, e.g. `scale : f32, window : i32,`. */
  uniforms?: string;
  getUserCode(): string;
}

export interface ProgramUniform {
  type: 'float32' | 'int32' | 'uint32';
  data: number[];
}

export interface WebGpuBackendInternals {
  device: unknown;
  runWebGPUProgram(
    program: WebGpuProgram,
    inputs: tf.TensorInfo[],
    outputDtype: tf.DataType,
    uniforms?: ProgramUniform[],
  ): tf.TensorInfo;
  bufferManager: { numBytesAllocated: number; numBytesUsed: number };
  disposeData(dataId: unknown, force?: boolean): boolean;
}

/** The live webgpu backend, or BACKEND_UNAVAILABLE naming what to call first. */
export function webgpuInternals(): WebGpuBackendInternals {
  const backend = tf.findBackend('webgpu') as unknown as WebGpuBackendInternals | null;
  if (backend == null || typeof backend.runWebGPUProgram !== 'function') {
    throw new GftError(
      'BACKEND_UNAVAILABLE',
      'webgpu backend: not initialised; call webgpu().setup() before running webgpu kernels',
      { where: 'plugin webgpu' },
    );
  }
  return backend;
}

/** Workgroups for `threads` invocations of a flat 1-D program. */
export function flatDispatch(threads: number, workgroupSize: number): [number, number, number] {
  return [Math.max(1, Math.ceil(threads / workgroupSize)), 1, 1];
}
