/**
 * Near the 4 GiB ceiling, this tfjs-backend-wasm build's `malloc` can return a block that
 * runs past the end of linear memory (a 1 GiB request after three 1 GiB blocks, each
 * followed by a 64 MiB allocate/free, does it). The malloc guard must answer such a
 * request with OUT_OF_MEMORY, and every block it does return must lie inside memory.
 * Own file, so its process alone carries the grown heap; blocks are reserved, not written.
 */
import { describe, expect, it } from 'vitest';
import { GftError } from '../../errors/gft-error.js';
import { wasmBackend } from './wasm-backend.js';
import { heapBytes, wasmInternals } from './wasm-internals.js';

const GIB = 1024 ** 3;
const MIB_64 = 64 * 1024 ** 2;

describe('wasm malloc guard near 4 GiB', () => {
  it('never returns a block outside linear memory; the request fails with OUT_OF_MEMORY', async () => {
    await wasmBackend().setup();
    const { wasm } = wasmInternals();
    const inside = (ptr: number, bytes: number) => (ptr >>> 0) + bytes <= heapBytes(wasm);
    const blocks: number[] = [];
    let caught: unknown;
    try {
      for (let i = 0; i < 6; i++) {
        const big = wasm._malloc(GIB);
        blocks.push(big);
        expect(inside(big, GIB), `1 GiB block ${i} at ${big >>> 0}`).toBe(true);
        const small = wasm._malloc(MIB_64);
        expect(inside(small, MIB_64), `64 MiB block after ${i}`).toBe(true);
        wasm._free(small);
      }
    } catch (error) {
      caught = error;
    }
    console.log(
      `after ${blocks.length} blocks of 1 GiB (heap ${heapBytes(wasm)} bytes): ${String(caught)}`,
    );
    expect(GftError.isInstance(caught) && caught.code).toBe('OUT_OF_MEMORY');
    // The allocator still hands out sound blocks afterwards.
    const smalls = Array.from({ length: 256 }, () => wasm._malloc(4096));
    expect(smalls.every((p) => p !== 0 && inside(p, 4096))).toBe(true);
    for (const p of [...smalls, ...blocks]) wasm._free(p);
  });
});
