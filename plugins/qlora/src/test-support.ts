/** Test helpers: where the golden fixtures are (walks up until a `shared` sibling exists). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findFixtures(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, '..', 'shared', 'fixtures');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures');
}

export const FIXTURES = findFixtures();
export const HAS_FIXTURES = existsSync(join(FIXTURES, 'nf4'));

/** Count of elements that differ bit-for-bit (+0 and -0 count as equal). */
export function bitDiffs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++)
    if (!(Object.is(a[i], b[i]) || (a[i] === 0 && b[i] === 0))) n++;
  return n;
}

/** The fixtures' packed3 batch (three sequences, packed layout) as a MicroBatch. */
export async function packed3(): Promise<import('@gft/core').MicroBatch> {
  const { openSafetensors } = await import('@gft/safetensors');
  const r = openSafetensors(join(FIXTURES, 'batch', 'packed3.safetensors'));
  const i32 = (n: string) => r.read(n) as Int32Array;
  const seqLens = Array.from(i32('seq_lens'));
  const mb = {
    layout: 'packed' as const,
    batchSize: 3,
    inputIds: i32('input_ids'),
    positionIds: i32('position_ids'),
    seqLens,
    cuSeqlens: i32('cu_seqlens'),
    maxSeqLen: Math.max(...seqLens),
    labels: r.readF32('labels'),
  };
  r.close();
  return mb;
}

/** Per-tensor error max|a - e| / max|e|, printed with its label. */
export function relErr(
  label: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    diff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  const rel = scale === 0 ? diff : diff / scale;
  console.log(`${label}: max diff ${diff.toExponential(3)}, relative ${rel.toExponential(3)}`);
  return actual.length === expected.length ? rel : Number.POSITIVE_INFINITY;
}
