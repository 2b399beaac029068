/**
 * A typed view of the tfjs-backend-wasm 4.22 internals the training fixes rely on: the
 * emscripten module (`_malloc`, `HEAPU8`, `cwrap`), the dataId map and the tensor
 * registry of the C++ side. Pinned to tfjs 4.22; nothing here is public tfjs API.
 *
 * Also the zero-copy "heap view": a tensor id registered on the C++ side that points into
 * another tensor's buffer, so a C++ kernel can read or write one batch of it in place.
 * It is not a tfjs tensor: the engine never sees it, and it must be released with
 * `releaseHeapView` (never `disposeData`, which would `free` an interior pointer).
 */
import type { DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { GftError } from '../../errors/gft-error.js';
import { tf } from '../../tf.js';

/** The emscripten module of tfjs-backend-wasm, as far as gft touches it. */
export interface WasmModule {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAPU8: Uint8Array;
  cwrap(name: string, ret: string | null, args: string[]): (...args: unknown[]) => unknown;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
    getThreadsCount(): number;
  };
}

export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: DataType;
  refCount: number;
}

/** The `BackendWasm` instance, as far as gft touches it. */
export interface WasmBackendInternals {
  wasm: WasmModule;
  dataIdMap: {
    get(dataId: DataId): WasmTensorData;
    set(dataId: DataId, data: WasmTensorData): void;
    delete(dataId: DataId): void;
    has(dataId: DataId): boolean;
  };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: DataId): void;
  disposeData(dataId: DataId, force?: boolean): boolean;
  numDataIds(): number;
}

/**
 * The wasm backend if it is initialised, else undefined. Reads the engine's registry
 * directly: `tf.findBackend` would start initialising it.
 */
export function liveWasmBackend(): WasmBackendInternals | undefined {
  const registry = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
  const backend = registry.wasm as WasmBackendInternals | undefined;
  return backend?.wasm != null ? backend : undefined;
}

/** The live wasm backend, or a BACKEND_UNAVAILABLE error naming what to call first. */
export function wasmInternals(): WasmBackendInternals {
  const backend = liveWasmBackend();
  if (backend === undefined) {
    throw new GftError(
      'BACKEND_UNAVAILABLE',
      "wasm backend: not initialised; call wasmBackend().setup() (or tf.setBackend('wasm')) first",
      { where: 'backends/wasm' },
    );
  }
  return backend;
}

const cwrapCache = new WeakMap<WasmModule, Map<string, (...args: unknown[]) => unknown>>();

/** `module.cwrap`, memoised per module instance (a new backend instance gets new wrappers). */
export function cwrapOnce(
  wasm: WasmModule,
  name: string,
  ret: string | null,
  args: string[],
): (...args: unknown[]) => unknown {
  let byName = cwrapCache.get(wasm);
  if (byName === undefined) {
    byName = new Map();
    cwrapCache.set(wasm, byName);
  }
  let fn = byName.get(name);
  if (fn === undefined) {
    fn = wasm.cwrap(name, ret, args);
    byName.set(name, fn);
  }
  return fn;
}

/** A C++-side tensor id aliasing part of another tensor's heap buffer. */
export interface HeapView {
  readonly id: number;
  readonly dataId: DataId;
}

/**
 * Registers `shape` elements of `base`, starting `elementOffset` elements in, as a tensor
 * the C++ kernels can address by id. No allocation, no copy.
 */
export function heapView(
  backend: WasmBackendInternals,
  base: TensorInfo,
  elementOffset: number,
  shape: number[],
): HeapView {
  const baseData = backend.dataIdMap.get(base.dataId);
  const bytesPerElement = 4; // float32 / int32: the only dtypes viewed
  const memoryOffset = baseData.memoryOffset + elementOffset * bytesPerElement;
  const info = backend.makeOutput(shape, base.dtype, memoryOffset);
  return { id: backend.dataIdMap.get(info.dataId).id, dataId: info.dataId };
}

/** Forgets a heap view on both sides without freeing the memory it points into. */
export function releaseHeapView(backend: WasmBackendInternals, view: HeapView): void {
  // disposeData on the C++ side also runs its disposal callbacks (XNNPACK operators
  // cached on this id), so nothing outlives the view.
  backend.wasm.tfjs.disposeData(view.id);
  backend.dataIdMap.delete(view.dataId);
}

/** Bytes of the wasm linear memory now (it only grows). */
export function heapBytes(wasm: WasmModule): number {
  return wasm.HEAPU8.buffer.byteLength;
}
