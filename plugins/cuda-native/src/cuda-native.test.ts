/**
 * What cuda-native does on a machine without a GPU (this one): the addon holds the CUDA device
 * (compiled by nvcc), availability says why it cannot start, setup fails with
 * BACKEND_UNAVAILABLE naming the reason; and cuBLASLt is found where the toolkit, the library
 * path or PyTorch's wheel put it. On a GPU machine the conformance suite and the golden
 * fixtures run on it (scripts/device-check.sh).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GftError } from '@gft/core';
import { needs } from '@gft/core/testing';
import { loadNativeAddon } from '@gft/native';
import { afterAll, describe, expect, it } from 'vitest';
import { cublasLtSearchPath, cudaAvailability, cudaNative, findCublasLt } from './index.js';

const tmp = mkdtempSync(join(tmpdir(), 'gft-cublaslt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function library(dir: string, name = 'libcublasLt.so.13'): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, '');
  return path;
}

describe('findCublasLt', () => {
  it('takes GFT_CUBLASLT, then the toolkit, then LD_LIBRARY_PATH, then the PyTorch wheel', () => {
    const wheel = library(join(tmp, 'py/lib/python3.12/site-packages/nvidia/cublas/lib'));
    const ld = library(join(tmp, 'ld'));
    const toolkit = library(join(tmp, 'cuda-13.0/lib64'));
    const none = { toolkitRoots: [], pythonPrefixes: [] };
    const search = { toolkitRoots: [join(tmp, 'cuda-13.0')], pythonPrefixes: [join(tmp, 'py')] };
    expect(findCublasLt({ ...search, env: {} })).toBe(toolkit);
    expect(
      findCublasLt({ ...search, toolkitRoots: [], env: { LD_LIBRARY_PATH: join(tmp, 'ld') } }),
    ).toBe(ld);
    expect(findCublasLt({ ...search, toolkitRoots: [], env: {} })).toBe(wheel);
    expect(findCublasLt({ ...none, env: { GFT_CUBLASLT: wheel } })).toBe(wheel);
    expect(
      findCublasLt({ ...none, env: { GFT_CUBLASLT: join(tmp, 'missing.so') } }),
    ).toBeUndefined();
    expect(findCublasLt({ ...none, env: {} })).toBeUndefined();
  });

  it('prefers the unversioned link, and searches CUDA_HOME first', () => {
    const dir = join(tmp, 'home/lib64');
    library(dir, 'libcublasLt.so.13.0.1');
    const link = library(dir, 'libcublasLt.so');
    expect(
      findCublasLt({ env: { CUDA_HOME: join(tmp, 'home') }, toolkitRoots: [], pythonPrefixes: [] }),
    ).toBe(link);
    expect(
      cublasLtSearchPath({ env: { CUDA_HOME: '/h' }, toolkitRoots: ['/t'], pythonPrefixes: [] }),
    ).toEqual(['/h/lib64', '/h/lib', '/t/lib64', '/t/lib']);
  });
});

const load = loadNativeAddon();
const cudaBuild = needs('cuda-build', () => {
  if (!load.ok) return load.reason;
  return load.addon.listDevices().includes('cuda')
    ? undefined
    : 'the addon was built without the CUDA device (no nvcc when it was built)';
});

// Skipped, saying why, where the addon has no CUDA device (a failure where GFT_REQUIRE names cuda-build).
describe.skipIf(!cudaBuild.ok)(cudaBuild.title('cuda-native without a GPU'), () => {
  it('the addon holds the CUDA device; availability names why it cannot start', async () => {
    const available = cudaAvailability();
    if (available.ok) return; // a GPU machine: scripts/device-check.sh covers it
    expect(available.reason).toMatch(/cuda device: no usable CUDA driver or GPU: .*\(cuda\w+\)/);
    const error = await cudaNative()
      .setup()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(GftError.isInstance(error) && error.code).toBe('BACKEND_UNAVAILABLE');
    expect((error as Error).message).toContain(available.reason);
  });
});
