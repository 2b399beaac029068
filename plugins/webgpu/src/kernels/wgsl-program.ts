/**
 * Builds tfjs-backend-webgpu program objects for gft's WGSL kernels: one thread per
 * `threads` item in a flat 1-D dispatch, the body given as WGSL that defines
 * `fn main(index: i32)`. Inputs are visible in WGSL as `array<f32>` / `array<i32>` storage
 * buffers named after `variableNames`, the output as `result`, extra uniforms as
 * `uniforms.<name>`. Not a shader generator: tfjs's `makeShader` wraps this.
 */
import type { WebGpuProgram } from '../webgpu-internals.js';

const WORKGROUP = 64;

export interface FlatProgramSpec {
  /** Cache key: everything baked into the WGSL text (constants, flags) must be in it. */
  key: string;
  variableNames: string[];
  outputShape: number[];
  /** Invocations needed (items the body's `index` ranges over). */
  threads: number;
  /** Uniform struct fields, e.g. `scale : f32, window : i32,`. */
  uniforms?: string;
  /** WGSL defining `fn main(index: i32)` plus any helpers. */
  body: string;
}

export function flatProgram(spec: FlatProgramSpec): WebGpuProgram {
  return {
    variableNames: spec.variableNames,
    outputShape: spec.outputShape,
    shaderKey: `gft_${spec.key}`,
    // A flat layout over all output dims makes the generator call main(globalIndex).
    dispatchLayout: { x: spec.outputShape.map((_, i) => i) },
    dispatch: [Math.max(1, Math.ceil(spec.threads / WORKGROUP)), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: spec.uniforms,
    getUserCode: () => spec.body,
  };
}
