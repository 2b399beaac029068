/** The built-in wasm backend, made fit for training. */
export { type WasmBackendOptions, wasmBackend } from './wasm-backend.js';
