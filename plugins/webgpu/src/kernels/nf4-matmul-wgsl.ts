/**
 * WGSL programs of gft's NF4 matmul (bitsandbytes NF4, block-wise absmax): y = x · W^T and
 * its input gradient dx = dy · W, where every W element is decoded inside the loop from
 * its 4-bit code and its block's scale. No dense weight buffer exists at any point.
 * One invocation per output element; a plain loop, not a tiled GEMM.
 *
 * Shape legend: N = rows of x, in/out = features, n = out * in, nb = ceil(n / blockSize).
 * Buffers: X [N, in], Dy [N, out], Packed int32 (one packed byte per element, [ceil(n/2)],
 * or four little-endian bytes per element, [ceil(n/8)]), Absmax [nb] (already
 * double-dequantised). Element e = o * in + c sits in byte e / 2, high nibble when e is even.
 */
import type { WebGpuProgram } from '../webgpu-internals.js';
import { flatProgram } from './wgsl-program.js';

/**
 * The 16 NF4 code values (bitsandbytes' table, ascending; index 7 is 0). Facts of the
 * format; each literal is an exact float32.
 */
export const NF4_CODE_VALUES: readonly number[] = [
  -1, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
  0.7229568362236023, 1,
];

export interface Nf4Shape {
  rows: number;
  inFeatures: number;
  outFeatures: number;
  blockSize: number;
  /** Code indices per int32 of `Packed`: 2 (one byte each) or 8 (four bytes each). */
  codesPerElement: 2 | 8;
}

function decodeSnippet(s: Nf4Shape): string {
  const literals = NF4_CODE_VALUES.map((v) => (Number.isInteger(v) ? `${v}.0` : `${v}`)).join(', ');
  return `
const PER : i32 = ${s.codesPerElement};
const BS : i32 = ${s.blockSize};
var<private> NF4 : array<f32, 16> = array<f32, 16>(${literals});

// Weight element e (row-major over [out, in]) decoded from its nibble and block scale.
fn weightAt(e : i32) -> f32 {
  let word = bitcast<u32>(Packed[e / PER]);
  let r = e % PER;
  let shift = u32(8 * (r / 2) + select(0, 4, r % 2 == 0));
  let code = (word >> shift) & 15u;
  return NF4[code] * Absmax[e / BS];
}
`;
}

function keyOf(name: string, s: Nf4Shape): string {
  return `nf4_${name}_${s.blockSize}_${s.codesPerElement}`;
}

/** Y [N, out] = X · W^T. */
export function nf4ForwardProgram(s: Nf4Shape): WebGpuProgram {
  return flatProgram({
    key: keyOf('fwd', s),
    variableNames: ['X', 'Packed', 'Absmax'],
    outputShape: [s.rows, s.outFeatures],
    threads: s.rows * s.outFeatures,
    body: `${decodeSnippet(s)}
fn main(index : i32) {
  let inF = uniforms.xShape.y;
  let outF = uniforms.outShape.y;
  if (index >= uniforms.outShape.x * outF) { return; }
  let n = index / outF;
  let o = index - n * outF;
  let xb = n * inF;
  let wb = o * inF;
  var acc = 0.0;
  for (var c = 0; c < inF; c++) {
    acc += X[xb + c] * weightAt(wb + c);
  }
  result[index] = acc;
}`,
  });
}

/** dX [N, in] = Dy · W. */
export function nf4GradXProgram(s: Nf4Shape): WebGpuProgram {
  return flatProgram({
    key: keyOf('dx', s),
    variableNames: ['Dy', 'Packed', 'Absmax'],
    outputShape: [s.rows, s.inFeatures],
    threads: s.rows * s.inFeatures,
    body: `${decodeSnippet(s)}
fn main(index : i32) {
  let inF = uniforms.outShape.y;
  let outF = uniforms.dyShape.y;
  if (index >= uniforms.outShape.x * inF) { return; }
  let n = index / inF;
  let c = index - n * inF;
  let db = n * outF;
  var acc = 0.0;
  for (var o = 0; o < outF; o++) {
    acc += Dy[db + o] * weightAt(o * inF + c);
  }
  result[index] = acc;
}`,
  });
}
