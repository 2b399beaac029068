/**
 * Loads tfjs-backend-wasm, which registers the stock `wasm` backend and kernels as it
 * loads. Loaded by the wasm plugin's `setup()`, not by importing @gft/core, so an app on
 * another backend does not ship it.
 */
export type TfjsWasm = typeof import('@tensorflow/tfjs-backend-wasm');

let loading: Promise<TfjsWasm> | undefined;

/** The tfjs-backend-wasm module, registered; once per process. */
export function loadTfjsWasm(): Promise<TfjsWasm> {
  loading ??= import('@tensorflow/tfjs-backend-wasm');
  return loading;
}
