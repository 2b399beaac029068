/**
 * Loads tfjs-backend-cpu, which registers the `cpu` backend and its kernels as it loads.
 * Loaded on demand, not by importing @gft/core, so an app that never runs on it does not
 * ship it. Besides the `cpu` plugin, the native backends need it: they run the kernels
 * their device lacks on tfjs-cpu.
 */
let loading: Promise<void> | undefined;

/** Registers tfjs's `cpu` backend without selecting it; once per process. */
export function registerTfjsCpu(): Promise<void> {
  loading ??= import('@tensorflow/tfjs-backend-cpu').then(() => undefined);
  return loading;
}
