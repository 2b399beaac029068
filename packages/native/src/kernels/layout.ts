/**
 * Shape arithmetic shared by the kernel files: row-major strides, broadcasting strides and
 * dimension collapsing, so the native side gets the fewest, longest loops.
 */

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** Strides that read `shape` as if broadcast to `out` (right-aligned; size-1 dims get 0). */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const own = stridesOf(shape);
  const result = new Array<number>(out.length).fill(0);
  const lead = out.length - shape.length;
  for (let d = 0; d < shape.length; d++) {
    result[lead + d] = shape[d] === 1 && out[lead + d] !== 1 ? 0 : own[d];
  }
  return result;
}

/**
 * Merges adjacent dims that every operand walks contiguously (or all broadcast), and drops
 * size-1 dims. Returns at least one dim.
 */
export function collapse(
  shape: readonly number[],
  strides: readonly number[][],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 &&
      strides.every((s, k) => {
        const prev = outStrides[k][last];
        return prev === s[d] * shape[d];
      });
    if (mergeable) {
      outShape[last] *= shape[d];
      strides.forEach((s, k) => {
        outStrides[k][last] = s[d];
      });
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, k) => {
        outStrides[k].push(s[d]);
      });
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [1]) };
  return { shape: outShape, strides: outStrides };
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
