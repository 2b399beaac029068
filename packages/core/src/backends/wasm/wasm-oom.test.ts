/**
 * Heap exhaustion on wasm must be a clean GftError('OUT_OF_MEMORY'), not silent
 * corruption: 1 GiB tensors are allocated until the 4 GiB wasm32 heap runs out, and a
 * small tensor made beforehand must still hold its exact values. Own file, so its
 * process alone carries the grown heap (wasm memory never shrinks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GftError } from '../../errors/gft-error.js';
import { tf } from '../../tf.js';
import { WASM_MAX_HEAP_BYTES } from './malloc-guard.js';
import { wasmBackend } from './wasm-backend.js';
import { wasmInternals } from './wasm-internals.js';

const CHUNK_ELEMENTS = 256 * 1024 ** 2; // 1 GiB of float32

describe('wasm heap exhaustion', () => {
  const chunks: tf.Tensor[] = [];
  let kept: tf.Tensor | undefined;

  beforeAll(async () => {
    await wasmBackend().setup();
  });

  afterAll(() => {
    tf.dispose(chunks);
    kept?.dispose();
  });

  it('throws OUT_OF_MEMORY with the request size and a hint; earlier tensors stay intact', () => {
    const values = [1.5, -2.25, 3.125, 42, -0, 7e-8, 65504, -1e30];
    kept = tf.tensor1d(values);
    const filled = tf.fill([16 * 1024 ** 2], 7); // 64 MiB written before the failure
    chunks.push(filled);
    // Reserve the heap in 1 GiB tensors through the backend's own allocation path, but
    // without writing them (page-faulting 3 GiB would make this test slow); then a real
    // op must fail to allocate its output. 4 GiB / 1 GiB: a guardless run would go on.
    const backend = wasmInternals();
    let caught: unknown;
    for (let i = 0; i < WASM_MAX_HEAP_BYTES / (4 * CHUNK_ELEMENTS) + 1; i++) {
      try {
        if (i < 2) {
          const info = backend.makeOutput([CHUNK_ELEMENTS], 'float32');
          chunks.push(tf.engine().makeTensorFromTensorInfo(info));
        } else {
          chunks.push(tf.fill([CHUNK_ELEMENTS], i + 1));
        }
      } catch (error) {
        caught = error;
        break;
      }
    }
    expect(GftError.isInstance(caught)).toBe(true);
    const error = caught as GftError;
    console.log(`after ${chunks.length - 1} chunks of 1 GiB: ${error.message}`);
    expect(error.code).toBe('OUT_OF_MEMORY');
    expect(error.message).toContain(`${4 * CHUNK_ELEMENTS} bytes`);
    expect(error.message).toMatch(/heap is \d+\.\d MiB of at most 4096\.0 MiB/);
    expect(error.message).toMatch(/maxTokens/);
    expect(error.message).toMatch(/checkpointing/);

    expect(Array.from(kept.dataSync())).toEqual(Array.from(new Float32Array(values)));
    const [min, max] = tf.tidy(() => [tf.min(filled).dataSync()[0], tf.max(filled).dataSync()[0]]);
    expect([min, max]).toEqual([7, 7]);
  });

  it('keeps working after the failure once memory is freed', () => {
    tf.dispose(chunks.splice(0));
    const size = 16 * 1024 ** 2;
    const t = tf.fill([size], 3);
    const ends = tf.tidy(() =>
      tf.concat([tf.slice(t, [0], [1]), tf.slice(t, [size - 1], [1])]).dataSync(),
    );
    expect(Array.from(ends)).toEqual([3, 3]);
    t.dispose();
  });
});
