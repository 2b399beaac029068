/**
 * Finds a WebGPU adapter wherever the code runs: `navigator.gpu` when the host has one (a
 * browser, or Node with a user-provided `navigator.gpu`), else Dawn in Node. The answer
 * is cached per option set, so a test's probe and the backend's setup share one adapter.
 * Not the device or the tfjs backend (see `create-backend.ts`).
 */
import { type AdapterAttempt, describeAdapterInfo, noAdapterError } from './adapter-attempts.js';
import type { GpuAdapterLike, GpuLike } from './gpu-types.js';
import { type DawnSearchOptions, isNode, searchDawnAdapter } from './node-dawn.js';

export interface AdapterSearchOptions extends DawnSearchOptions {}

export interface AcquiredAdapter {
  adapter: GpuAdapterLike;
  /** The attempt that succeeded, and the failed ones before it. */
  attempts: AdapterAttempt[];
  /** The GPU object the adapter came from (navigator.gpu, or Dawn's instance). */
  gpu: GpuLike;
  /** `navigator.gpu` or `dawn`. */
  via: 'navigator.gpu' | 'dawn';
  description: string;
}

const cache = new Map<string, Promise<AcquiredAdapter>>();

async function search(options: AdapterSearchOptions): Promise<AcquiredAdapter> {
  const attempts: AdapterAttempt[] = [];
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  if (nav?.gpu) {
    try {
      const adapter = await nav.gpu.requestAdapter({ powerPreference: options.powerPreference });
      if (adapter !== null) {
        const description = describeAdapterInfo(adapter.info ?? {});
        attempts.push({ source: 'navigator.gpu', ok: true, outcome: description });
        return { adapter, gpu: nav.gpu, attempts, via: 'navigator.gpu', description };
      }
      attempts.push({
        source: 'navigator.gpu',
        ok: false,
        outcome: 'requestAdapter() returned null',
      });
    } catch (e) {
      attempts.push({ source: 'navigator.gpu', ok: false, outcome: `failed: ${String(e)}` });
    }
  } else {
    attempts.push({
      source: 'navigator.gpu',
      ok: false,
      outcome: isNode()
        ? 'absent (Node)'
        : 'absent (no WebGPU in this browser, or not a secure context)',
    });
  }
  if (!isNode()) {
    throw noAdapterError(attempts, [
      'use a browser with WebGPU enabled on a secure origin (https or localhost)',
      'headless Chromium without a GPU: --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader',
    ]);
  }
  const { adapter, gpu, hints } = await searchDawnAdapter(options, attempts);
  if (adapter === null || gpu === undefined) throw noAdapterError(attempts, hints);
  return {
    adapter,
    gpu,
    attempts,
    via: 'dawn',
    description: describeAdapterInfo(adapter.info ?? {}),
  };
}

/** The adapter for these options; a failure is a GftError BACKEND_UNAVAILABLE listing every attempt. */
export function acquireAdapter(options: AdapterSearchOptions): Promise<AcquiredAdapter> {
  const key = JSON.stringify(options);
  let found = cache.get(key);
  if (found === undefined) {
    found = search(options);
    cache.set(key, found);
  }
  return found;
}

export type AdapterProbe = { ok: true; description: string } | { ok: false; reason: string };

/**
 * Whether an adapter can be made, without throwing: for tests that must skip (with the
 * reason) on hosts without one, and for CLIs that list what is available.
 */
export async function probeAdapter(options: AdapterSearchOptions): Promise<AdapterProbe> {
  try {
    const found = await acquireAdapter(options);
    return { ok: true, description: `${found.description} via ${found.via}` };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}
