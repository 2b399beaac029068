/**
 * WGSL programs of gft's varlen attention: forward output, per-row log-sum-exp, dQ, and
 * dK/dV. One invocation per (query row, head) or per (key row, KV head); each walks only
 * the keys (or queries) it can see inside its own sequence, so no T x T work or mask
 * exists, and no score matrix is stored: backward recomputes scores from q/k and the LSE.
 * Straightforward loops, not a tiled flash kernel: correctness first, one code path for
 * SwiftShader and real GPUs.
 *
 * Shape legend: T = packed tokens, H = query heads, KV = key/value heads, G = H / KV,
 * hd = head dim. Buffers: Q [T, H*hd], K/V [T, KV*hd], Bounds [T, 2] int32 (start and end
 * of each token's sequence), Lse/Dsum [T, H], Dout (the output gradient) [T, H*hd].
 */
import type { WebGpuProgram } from '../webgpu-internals.js';
import { flatProgram } from './wgsl-program.js';

export interface AttentionShape {
  /** Only the output shapes depend on it: the WGSL reads T from the Q buffer's shape. */
  tokens: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  softcap: boolean;
}

/** Uniforms every attention program declares (values passed by `attentionUniforms`). */
const UNIFORMS = 'scale : f32, softcap : f32, window : i32,';

function keyOf(name: string, s: AttentionShape): string {
  return `attn_${name}_${s.heads}_${s.kvHeads}_${s.headDim}_${s.softcap ? 'cap' : 'nocap'}`;
}

/** Constants and helpers shared by all four programs. */
function common(s: AttentionShape): string {
  return `
const H : i32 = ${s.heads};
const KV : i32 = ${s.kvHeads};
const HD : i32 = ${s.headDim};
const G : i32 = ${s.heads / s.kvHeads};

// tanh without overflow for large |x| (exp of a non-positive argument only).
fn gftTanh(x : f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}

// Raw score q_i(h) . k_j(kv of h) * scale, before any softcap.
fn rawScore(i : i32, j : i32, h : i32) -> f32 {
  let qb = i * H * HD + h * HD;
  let kb = j * KV * HD + (h / G) * HD;
  var acc = 0.0;
  for (var d = 0; d < HD; d++) {
    acc += Q[qb + d] * K[kb + d];
  }
  return acc * uniforms.scale;
}

${
  s.softcap
    ? `fn capScore(raw : f32) -> f32 { return uniforms.softcap * gftTanh(raw / uniforms.softcap); }
// d capScore / d raw
fn capGrad(raw : f32) -> f32 { let t = gftTanh(raw / uniforms.softcap); return 1.0 - t * t; }`
    : `fn capScore(raw : f32) -> f32 { return raw; }
fn capGrad(raw : f32) -> f32 { return 1.0; }`
}

// First key visible to query i: its sequence start, or the window's left edge.
fn firstKey(i : i32) -> i32 {
  var lo = Bounds[2 * i];
  if (uniforms.window > 0) { lo = max(lo, i - uniforms.window + 1); }
  return lo;
}

// Last query that sees key j: its sequence end - 1, or the window's right edge.
fn lastQuery(j : i32) -> i32 {
  var hi = Bounds[2 * j + 1] - 1;
  if (uniforms.window > 0) { hi = min(hi, j + uniforms.window - 1); }
  return hi;
}
`;
}

/** O [T, H*hd]: online softmax over the visible keys, one invocation per (row, head). */
export function forwardProgram(s: AttentionShape): WebGpuProgram {
  return flatProgram({
    key: keyOf('fwd', s),
    variableNames: ['Q', 'K', 'V', 'Bounds'],
    outputShape: [s.tokens, s.heads * s.headDim],
    threads: s.tokens * s.heads,
    uniforms: UNIFORMS,
    body: `${common(s)}
fn main(index : i32) {
  if (index >= uniforms.qShape.x * H) { return; }
  let i = index / H;
  let h = index - i * H;
  var m = -3.0e38;
  var l = 0.0;
  var acc : array<f32, ${s.headDim}>;
  for (var j = firstKey(i); j <= i; j++) {
    let sc = capScore(rawScore(i, j, h));
    let mNew = max(m, sc);
    let correction = exp(m - mNew);
    let p = exp(sc - mNew);
    l = l * correction + p;
    let vb = j * KV * HD + (h / G) * HD;
    for (var d = 0; d < HD; d++) {
      acc[d] = acc[d] * correction + p * V[vb + d];
    }
    m = mNew;
  }
  let ob = i * H * HD + h * HD;
  for (var d = 0; d < HD; d++) {
    result[ob + d] = acc[d] / l;
  }
}`,
  });
}

/** LSE [T, H]: log(sum_j exp(score_ij)) over the visible keys (backward recomputes p from it). */
export function lseProgram(s: AttentionShape): WebGpuProgram {
  return flatProgram({
    key: keyOf('lse', s),
    variableNames: ['Q', 'K', 'Bounds'],
    outputShape: [s.tokens, s.heads],
    threads: s.tokens * s.heads,
    uniforms: UNIFORMS,
    body: `${common(s)}
fn main(index : i32) {
  if (index >= uniforms.qShape.x * H) { return; }
  let i = index / H;
  let h = index - i * H;
  var m = -3.0e38;
  var l = 0.0;
  for (var j = firstKey(i); j <= i; j++) {
    let sc = capScore(rawScore(i, j, h));
    let mNew = max(m, sc);
    l = l * exp(m - mNew) + exp(sc - mNew);
    m = mNew;
  }
  result[index] = m + log(l);
}`,
  });
}

/** dQ [T, H*hd] = sum_j dS_ij * scale * k_j, one invocation per (row, head). */
export function gradQProgram(s: AttentionShape): WebGpuProgram {
  return flatProgram({
    key: keyOf('dq', s),
    variableNames: ['Q', 'K', 'V', 'Bounds', 'Lse', 'Dsum', 'Dout'],
    outputShape: [s.tokens, s.heads * s.headDim],
    threads: s.tokens * s.heads,
    uniforms: UNIFORMS,
    body: `${common(s)}
fn main(index : i32) {
  if (index >= uniforms.qShape.x * H) { return; }
  let i = index / H;
  let h = index - i * H;
  let ob = i * H * HD + h * HD;
  let lse = Lse[index];
  let dsum = Dsum[index];
  var acc : array<f32, ${s.headDim}>;
  for (var j = firstKey(i); j <= i; j++) {
    let raw = rawScore(i, j, h);
    let p = exp(capScore(raw) - lse);
    let vb = j * KV * HD + (h / G) * HD;
    var dp = 0.0;
    for (var d = 0; d < HD; d++) {
      dp += Dout[ob + d] * V[vb + d];
    }
    let ds = p * (dp - dsum) * capGrad(raw) * uniforms.scale;
    for (var d = 0; d < HD; d++) {
      acc[d] += ds * K[vb + d];
    }
  }
  for (var d = 0; d < HD; d++) {
    result[ob + d] = acc[d];
  }
}`,
  });
}

/**
 * [2, T, KV*hd]: dK (index 0) and dV (index 1), one invocation per (key row, KV head),
 * summing over the G query heads of its group and the queries that see the key.
 */
export function gradKvProgram(s: AttentionShape): WebGpuProgram {
  return flatProgram({
    key: keyOf('dkv', s),
    variableNames: ['Q', 'K', 'V', 'Bounds', 'Lse', 'Dsum', 'Dout'],
    outputShape: [2, s.tokens, s.kvHeads * s.headDim],
    threads: s.tokens * s.kvHeads,
    uniforms: UNIFORMS,
    body: `${common(s)}
fn main(index : i32) {
  if (index >= uniforms.qShape.x * KV) { return; }
  let j = index / KV;
  let kvh = index - j * KV;
  let kb = j * KV * HD + kvh * HD;
  var dk : array<f32, ${s.headDim}>;
  var dv : array<f32, ${s.headDim}>;
  let hi = lastQuery(j);
  for (var g = 0; g < G; g++) {
    let h = kvh * G + g;
    for (var i = j; i <= hi; i++) {
      let raw = rawScore(i, j, h);
      let p = exp(capScore(raw) - Lse[i * H + h]);
      let ob = i * H * HD + h * HD;
      var dp = 0.0;
      for (var d = 0; d < HD; d++) {
        dp += Dout[ob + d] * V[kb + d];
        dv[d] += p * Dout[ob + d];
      }
      let ds = p * (dp - Dsum[i * H + h]) * capGrad(raw) * uniforms.scale;
      for (var d = 0; d < HD; d++) {
        dk[d] += ds * Q[ob + d];
      }
    }
  }
  let plane = uniforms.qShape.x * KV * HD;
  for (var d = 0; d < HD; d++) {
    result[kb + d] = dk[d];
    result[plane + kb + d] = dv[d];
  }
}`,
  });
}

/** Dsum [T, H] = sum_d Dout[i, h, d] * O[i, h, d]: the softmax backward's row term. */
export function rowDotProgram(s: AttentionShape): WebGpuProgram {
  return flatProgram({
    key: `attn_rowdot_${s.heads}_${s.headDim}`,
    variableNames: ['Dout', 'O'],
    outputShape: [s.tokens, s.heads],
    threads: s.tokens * s.heads,
    body: `
const HD : i32 = ${s.headDim};
fn main(index : i32) {
  if (index >= uniforms.outShape.x * uniforms.outShape.y) { return; }
  let b = index * HD;
  var acc = 0.0;
  for (var d = 0; d < HD; d++) {
    acc += Dout[b + d] * O[b + d];
  }
  result[index] = acc;
}`,
  });
}
