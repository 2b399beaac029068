/**
 * Loading the compiled addon: the prebuilt binary (`prebuilds/<platform>-<arch>`) or a local
 * build (`build/Release`), found by node-gyp-build; or the file GFT_NATIVE_ADDON names (the
 * tests point it at the SIMT build, `pnpm --filter @gft/native build:simt`, to run the CUDA
 * device's kernels on the CPU). Loading never throws: a machine where the addon is missing or
 * cannot load gets the reason, so callers can fall back and say why.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An opaque native handle (an N-API external). */
export type DeviceHandle = { readonly __device: unique symbol };
export type BufferHandle = { readonly __buffer: unique symbol };

/** The addon's functions, exactly as `native/engine/addon.cc` exports them. */
export interface NativeAddon {
  listDevices(): string[];
  openDevice(name: string): DeviceHandle;
  describe(device: DeviceHandle): Record<string, string | number>;
  /**
   * [bytes in use, their peak, bytes the allocator holds (in use at block capacity + cached),
   * their peak]; resets both peaks to the current values when asked.
   */
  memoryStats(device: DeviceHandle, resetPeak?: boolean): Float64Array;
  setThreads(device: DeviceHandle, threads: number): void;
  kernelNames(device: DeviceHandle): string[];
  kernelId(device: DeviceHandle, name: string): number;
  alloc(device: DeviceHandle, bytes: number): BufferHandle;
  free(buffer: BufferHandle): void;
  write(buffer: BufferHandle, src: ArrayBufferView, byteOffset: number): void;
  read(buffer: BufferHandle, dst: ArrayBufferView, byteOffset: number): void;
  /**
   * The same copy, queued in the device's order of work now and awaited on a worker thread
   * (the CUDA device copies through pinned memory; the JavaScript thread keeps going).
   */
  readAsync(buffer: BufferHandle, dst: ArrayBufferView, byteOffset: number): Promise<void>;
  run(device: DeviceHandle, kernelId: number, buffers: BufferHandle[], params: Float64Array): void;
}

export type AddonLoad =
  | { ok: true; addon: NativeAddon; path: string }
  | { ok: false; reason: string };

let cached: AddonLoad | undefined;

function packageRoot(): string {
  // dist/index.js (ESM) or dist/index.cjs: the package root is one level up either way.
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  return join(here, '..');
}

function prebuiltAddon(require: NodeRequire, root: string): string {
  const nodeGypBuild = require('node-gyp-build') as { resolve(dir: string): string };
  return nodeGypBuild.resolve(root);
}

/** The addon of this process (loaded once), or why it is not available. */
export function loadNativeAddon(): AddonLoad {
  if (cached) return cached;
  const root = packageRoot();
  try {
    const require = createRequire(join(root, 'package.json'));
    // A named file needs no lookup (and node-gyp-build may not be there: the device kit).
    const path = process.env.GFT_NATIVE_ADDON || prebuiltAddon(require, root);
    cached = { ok: true, addon: require(path) as NativeAddon, path };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    cached = {
      ok: false,
      reason: message.includes('No native build was found')
        ? `no compiled addon in ${root} (build it with 'pnpm --filter @gft/native build:addon'; it needs cmake, g++ and OpenBLAS)`
        : `the compiled addon failed to load: ${message}`,
    };
  }
  return cached;
}
