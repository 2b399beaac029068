/**
 * The opt-in two-thread wasm build in Node: it starts (no fallback logged), XNNPACK runs
 * two threads, and results after a heap growth (shared memory) still match cpu. Own
 * file: the threaded build can only be chosen before the backend first initialises.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { wasmBackend } from './wasm-backend.js';
import { onBackend, relDiff, seededValues } from './wasm-test-utils.js';

describe('wasmBackend({ threads: 2 }) in Node', () => {
  const logged: string[] = [];
  const plugin = wasmBackend({ threads: 2, log: (message) => logged.push(message) });

  beforeAll(async () => {
    await plugin.setup();
  });

  it('starts the threaded build with two XNNPACK threads', () => {
    console.log('wasm backend:', plugin.describe!(), logged);
    expect(logged).toEqual([]);
    expect(plugin.describe!().threads).toBe(2);
  });

  it('matches cpu on a transposed matmul after the shared heap has grown', async () => {
    const a = seededValues(4 * 96 * 80, 1);
    const b = seededValues(4 * 64 * 80, 2);
    const run = (name: string) =>
      onBackend(name, () =>
        tf.tidy(() => {
          // 256 MiB, so the heap grows before the matmul reads and writes it.
          const big = tf.fill([64 * 1024 ** 2], 1);
          const out = tf.matMul(
            tf.tensor3d(a, [4, 96, 80]),
            tf.tensor3d(b, [4, 64, 80]),
            false,
            true,
          );
          const values = out.dataSync();
          big.dispose();
          return values;
        }),
      );
    const diff = relDiff(await run('wasm'), await run('cpu'));
    console.log(`2 threads, BatchMatMul [4,96,80] x [4,64,80]^T: max rel diff ${diff}`);
    expect(diff).toBeLessThanOrEqual(1e-5);
    expect((plugin.memory!().reservedBytes ?? 0) >= 256 * 1024 ** 2).toBe(true);
  });
});
