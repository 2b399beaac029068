/**
 * The tfjs `KernelBackend` over one device of the native engine. Tensors live in native
 * memory (64-bit, outside the JS heap); `readSync`/`read` copy out, `disposeData` frees.
 * Kernels (src/kernels/) only compute shapes and parameters and call `run`, so the same
 * backend serves every device: `cpu-native` opens `host`, `cuda-native` will open `cuda`.
 * Not here: any arithmetic on tensor data.
 */
import { GftError, tf } from '@gft/core';
import type { BufferHandle, DeviceHandle, NativeAddon } from './addon.js';
import { bytesPerElement, dtypeCode } from './kernels/codes.js';

type DataId = object;
type DataType = tf.DataType;

interface NativeData {
  buffer: BufferHandle;
  dtype: DataType;
  bytes: number;
  refCount: number;
}

/** A tensor as native kernels see it. */
export interface NativeTensorInfo {
  dataId: DataId;
  shape: number[];
  dtype: DataType;
}

export class NativeBackend extends tf.KernelBackend {
  readonly addon: NativeAddon;
  readonly device: DeviceHandle;
  readonly deviceName: string;
  private readonly data: tf.DataStorage<NativeData>;
  private readonly kernelIds = new Map<string, number>();

  /**
   * @param hiddenKernels native kernels to treat as missing: how the fallback path of a device
   *   still growing its kernel table (cuda) is tested on any machine.
   */
  constructor(
    addon: NativeAddon,
    deviceName: string,
    private readonly hiddenKernels: ReadonlySet<string> = new Set(),
  ) {
    super();
    this.addon = addon;
    this.deviceName = deviceName;
    this.device = addon.openDevice(deviceName);
    this.data = new tf.DataStorage(this, tf.engine());
  }

  // ---- storage ----

  private allocate(dtype: DataType, size: number): NativeData {
    if (dtype === 'string' || dtype === 'complex64') {
      throw new GftError(
        'KERNEL_UNKNOWN',
        `native backend (${this.deviceName}): dtype '${dtype}' is not supported (float32, int32, bool)`,
        { where: `native/${this.deviceName}` },
      );
    }
    const bytes = size * bytesPerElement(dtype);
    return { buffer: this.addon.alloc(this.device, bytes), dtype, bytes, refCount: 1 };
  }

  private upload(record: NativeData, values: tf.BackendValues): void {
    const view = toTypedArray(values as tf.TypedArray, record.dtype);
    if (view.byteLength !== record.bytes) {
      throw new GftError(
        'INTERNAL',
        `native backend: ${view.byteLength} bytes written into a ${record.bytes}-byte ${record.dtype} tensor`,
      );
    }
    this.addon.write(record.buffer, view, 0);
  }

  override write(values: tf.BackendValues | null, shape: number[], dtype: DataType): DataId {
    const dataId = {};
    this.move(dataId, values, shape, dtype, 1);
    return dataId;
  }

  override move(
    dataId: DataId,
    values: tf.BackendValues | null,
    shape: number[],
    dtype: DataType,
    refCount: number,
  ): void {
    const record = this.allocate(dtype, tf.util.sizeFromShape(shape));
    record.refCount = refCount;
    if (values != null) this.upload(record, values);
    this.data.set(dataId, record);
    this.recordings.at(-1)?.push(dataId);
  }

  private readonly recordings: DataId[][] = [];

  /**
   * Runs `f`, giving back every tensor it allocated if it throws (a kernel that stopped
   * part-way because the device lacks a native kernel leaves nothing behind).
   */
  allocationsUndoneOnThrow<T>(f: () => T): T {
    const created: DataId[] = [];
    this.recordings.push(created);
    try {
      return f();
    } catch (error) {
      for (const id of created) if (this.data.has(id)) this.disposeData(id, true);
      throw error;
    } finally {
      this.recordings.pop();
    }
  }

  /** A new tensor of `shape`, uninitialised unless `values` are given (kernels fill it). */
  makeOutput(shape: number[], dtype: DataType, values?: tf.BackendValues): NativeTensorInfo {
    const dataId = this.write(values ?? null, shape, dtype);
    return { dataId, shape, dtype };
  }

  /** The same data under another shape (Reshape, Identity): shares the buffer. */
  share(info: NativeTensorInfo, shape: number[] = info.shape): NativeTensorInfo {
    this.incRef(info.dataId);
    return { dataId: info.dataId, shape, dtype: info.dtype };
  }

  override readSync(dataId: DataId): tf.BackendValues {
    const record = this.record(dataId);
    const out = valuesFor(record.dtype, record.bytes / bytesPerElement(record.dtype));
    this.addon.read(record.buffer, out, 0);
    return out;
  }

  /**
   * The copy is queued before this returns, so disposing the tensor or running more kernels
   * meanwhile cannot change what it reads; the wait happens off the JavaScript thread.
   */
  override async read(dataId: DataId): Promise<tf.BackendValues> {
    const record = this.record(dataId);
    const out = valuesFor(record.dtype, record.bytes / bytesPerElement(record.dtype));
    await this.addon.readAsync(record.buffer, out, 0);
    return out;
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const record = this.data.get(dataId);
    record.refCount--;
    if (!force && record.refCount > 0) return false;
    this.addon.free(record.buffer);
    this.data.delete(dataId);
    return true;
  }

  override incRef(dataId: DataId): void {
    this.record(dataId).refCount++;
  }

  override refCount(dataId: DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override memory(): {
    unreliable: boolean;
    reasons?: string[];
    nativeBytes: number;
    peakNativeBytes: number;
    heldBytes: number;
    peakHeldBytes: number;
  } {
    const [inUse, peak, held, peakHeld] = this.addon.memoryStats(this.device);
    return {
      unreliable: false,
      nativeBytes: inUse,
      peakNativeBytes: peak,
      heldBytes: held,
      peakHeldBytes: peakHeld,
    };
  }

  /** Restarts the peaks `memory()` reports from the current values. */
  resetPeakMemory(): void {
    this.addon.memoryStats(this.device, true);
  }

  override floatPrecision(): 32 {
    return 32;
  }

  override epsilon(): number {
    return 1e-7;
  }

  override timerAvailable(): boolean {
    return true;
  }

  override async time(f: () => void): Promise<tf.BackendTimingInfo> {
    const start = performance.now();
    // Host kernels run synchronously: when f returns, its work is done.
    f();
    return { kernelMs: performance.now() - start };
  }

  override dispose(): void {
    // Tensors are freed by the engine before a backend is removed; nothing else is held.
  }

  // ---- kernel plumbing ----

  buffer(info: { dataId: DataId }): BufferHandle {
    return this.record(info.dataId).buffer;
  }

  /** Runs native kernel `name` over tensors (inputs, then outputs) with numeric params. */
  run(name: string, tensors: Array<{ dataId: DataId }>, params: ArrayLike<number>): void {
    let id = this.kernelIds.get(name);
    if (id === undefined) {
      id = this.hiddenKernels.has(name) ? -1 : this.addon.kernelId(this.device, name);
      if (id < 0) {
        throw new GftError(
          'KERNEL_UNKNOWN',
          `native device '${this.deviceName}' has no kernel '${name}' (it has: ${this.addon.kernelNames(this.device).join(', ')})`,
          { where: `native/${this.deviceName}` },
        );
      }
      this.kernelIds.set(name, id);
    }
    const buffers = tensors.map((t) => this.record(t.dataId).buffer);
    this.addon.run(this.device, id, buffers, Float64Array.from(params));
  }

  dtypeCode(dtype: DataType, where: string): number {
    return dtypeCode(dtype, where);
  }

  // A tensor still held by another backend is copied in by tfjs's data mover (through `move`).
  private record(dataId: DataId): NativeData {
    return this.data.get(dataId);
  }
}

function toTypedArray(values: tf.TypedArray, dtype: DataType): ArrayBufferView {
  if (dtype === 'float32') {
    return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  }
  if (dtype === 'int32') {
    return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
  }
  return values instanceof Uint8Array ? values : Uint8Array.from(values as ArrayLike<number>);
}

function valuesFor(dtype: tf.DataType, n: number): Float32Array | Int32Array | Uint8Array {
  return dtype === 'int32'
    ? new Int32Array(n)
    : dtype === 'bool'
      ? new Uint8Array(n)
      : new Float32Array(n);
}
