/**
 * The no-adapter error. VK_ICD_FILENAMES names a file that does not exist, so the Vulkan
 * loader finds no driver even on a GPU machine, and a caller-set ICD turns the SwiftShader
 * fallback off: the search must fail and say what it tried. Its own file because it
 * changes this process's environment.
 */
import { GftError } from '@gft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireAdapter, probeAdapter } from './acquire-adapter.js';

const saved = process.env.VK_ICD_FILENAMES;
process.env.VK_ICD_FILENAMES = '/nonexistent/gft-test-icd.json';
afterAll(() => {
  if (saved === undefined) delete process.env.VK_ICD_FILENAMES;
  else process.env.VK_ICD_FILENAMES = saved;
});

describe('acquireAdapter without any adapter', () => {
  it('throws BACKEND_UNAVAILABLE listing every attempt', async () => {
    const nav = { gpu: { requestAdapter: async () => null } };
    Object.defineProperty(globalThis, 'navigator', {
      value: nav,
      configurable: true,
      writable: true,
    });
    const options = {
      powerPreference: 'high-performance',
      fallbackIcd: undefined,
      dawnFlags: [],
    } as const;
    let error: unknown;
    try {
      await acquireAdapter(options);
    } catch (e) {
      error = e;
    }
    Reflect.deleteProperty(globalThis, 'navigator');
    expect(GftError.isInstance(error)).toBe(true);
    const e = error as GftError;
    console.log(e.message);
    expect(e.code).toBe('BACKEND_UNAVAILABLE');
    expect(e.message).toContain('navigator.gpu: requestAdapter() returned null');
    expect(e.message).toMatch(/dawn, VK_ICD_FILENAMES=\/nonexistent\/gft-test-icd.json/);
    expect(e.message).toContain('unset it');
    // The probe reports the same without throwing (and caches per option set).
    const probe = await probeAdapter(options);
    expect(probe.ok).toBe(false);
  });
});
