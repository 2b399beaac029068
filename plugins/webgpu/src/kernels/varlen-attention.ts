/**
 * gft's varlen attention on webgpu: the WGSL programs of `varlen-attention-wgsl.ts` run
 * through tfjs-backend-webgpu, forward and backward, with the generic kernel's semantics
 * (causal inside each cu_seqlens sequence, optional sliding window and soft-cap, GQA).
 * The backward saves nothing but q/k/v: it recomputes the output and the row LSE.
 *
 * Shape legend: T = packed tokens, H = query heads, KV = key/value heads, hd = head dim.
 */
import { GftError, tf } from '@gft/core';
import { type ProgramUniform, type WebGpuProgram, webgpuInternals } from '../webgpu-internals.js';
import {
  type AttentionShape,
  forwardProgram,
  gradKvProgram,
  gradQProgram,
  lseProgram,
  rowDotProgram,
} from './varlen-attention-wgsl.js';

/** Same fields and meaning as core's VarlenAttentionAttrs. */
export interface AttentionAttrs {
  /** [B + 1] prefix sums of the sequence lengths along T; starts at 0, ends at T. */
  cuSeqlens: ArrayLike<number>;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  scale: number;
  /** 0 or absent: no soft-cap. */
  softcap?: number;
  /** Key j visible to query i iff 0 <= i - j < window; 0 or absent: causal only. */
  window?: number;
}

const WHERE = 'plugin webgpu: varlen attention';

/** [T, 2] int32: start and end (exclusive) of each token's sequence, validated. */
export function tokenBounds(cuSeqlens: ArrayLike<number>, total: number): Int32Array {
  const n = cuSeqlens.length;
  if (n < 2 || cuSeqlens[0] !== 0 || cuSeqlens[n - 1] !== total) {
    throw new GftError(
      'BAD_INPUT',
      `${WHERE}: cuSeqlens must start at 0 and end at T=${total}, got [${Array.from(cuSeqlens).join(', ')}]`,
      { where: 'cuSeqlens' },
    );
  }
  const bounds = new Int32Array(2 * total);
  for (let s = 0; s + 1 < n; s++) {
    const start = cuSeqlens[s];
    const end = cuSeqlens[s + 1];
    if (end <= start) {
      throw new GftError('BAD_INPUT', `${WHERE}: sequence ${s} has length ${end - start}`, {
        where: 'cuSeqlens',
      });
    }
    for (let t = start; t < end; t++) {
      bounds[2 * t] = start;
      bounds[2 * t + 1] = end;
    }
  }
  return bounds;
}

function checkShapes(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  attrs: AttentionAttrs,
): AttentionShape {
  const { numHeads: h, numKvHeads: kv, headDim: hd } = attrs;
  if (kv <= 0 || h % kv !== 0) {
    throw new GftError(
      'BAD_CONFIG',
      `${WHERE}: numHeads ${h} is not a multiple of numKvHeads ${kv}`,
      {
        where: 'numKvHeads',
      },
    );
  }
  const t = q.shape[0];
  const want: Array<[string, tf.Tensor, number[]]> = [
    ['q', q, [t, h * hd]],
    ['k', k, [t, kv * hd]],
    ['v', v, [t, kv * hd]],
  ];
  for (const [name, x, shape] of want) {
    if (x.shape.join(',') !== shape.join(',') || x.dtype !== 'float32') {
      throw new GftError(
        'BAD_INPUT',
        `${WHERE}: ${name} is ${x.dtype} [${x.shape.join(', ')}], expected float32 [${shape.join(', ')}]`,
        { where: name },
      );
    }
  }
  return { tokens: t, heads: h, kvHeads: kv, headDim: hd, softcap: (attrs.softcap ?? 0) > 0 };
}

function uniformsOf(attrs: AttentionAttrs): ProgramUniform[] {
  return [
    { type: 'float32', data: [attrs.scale] },
    { type: 'float32', data: [attrs.softcap ?? 0] },
    { type: 'int32', data: [attrs.window ?? 0] },
  ];
}

function run(program: WebGpuProgram, inputs: tf.Tensor[], uniforms?: ProgramUniform[]): tf.Tensor {
  const info = webgpuInternals().runWebGPUProgram(program, inputs, 'float32', uniforms);
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** O [T, H*hd], no gradient recorded. */
export function varlenAttentionForward(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  attrs: AttentionAttrs,
): tf.Tensor2D {
  const shape = checkShapes(q, k, v, attrs);
  const bounds = tf.tensor2d(
    tokenBounds(attrs.cuSeqlens, shape.tokens),
    [shape.tokens, 2],
    'int32',
  );
  try {
    return run(forwardProgram(shape), [q, k, v, bounds], uniformsOf(attrs)) as tf.Tensor2D;
  } finally {
    bounds.dispose();
  }
}

/** [dq, dk, dv] for upstream gradient dy [T, H*hd]; recomputes O and the row LSE. */
export function varlenAttentionBackward(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  dy: tf.Tensor2D,
  attrs: AttentionAttrs,
): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] {
  const shape = checkShapes(q, k, v, attrs);
  const uniforms = uniformsOf(attrs);
  const t = shape.tokens;
  const kvWidth = shape.kvHeads * shape.headDim;
  return tf.tidy(() => {
    const bounds = tf.tensor2d(tokenBounds(attrs.cuSeqlens, t), [t, 2], 'int32');
    const out = run(forwardProgram(shape), [q, k, v, bounds], uniforms);
    const lse = run(lseProgram(shape), [q, k, bounds], uniforms);
    const dsum = run(rowDotProgram(shape), [dy, out]);
    const grads = [q, k, v, bounds, lse, dsum, dy];
    const dq = run(gradQProgram(shape), grads, uniforms) as tf.Tensor2D;
    const dkv = run(gradKvProgram(shape), grads, uniforms);
    const dk = tf.reshape(tf.slice(dkv, [0, 0, 0], [1, t, kvWidth]), [t, kvWidth]) as tf.Tensor2D;
    const dv = tf.reshape(tf.slice(dkv, [1, 0, 0], [1, t, kvWidth]), [t, kvWidth]) as tf.Tensor2D;
    return [dq, dk, dv];
  });
}

/** Varlen attention with its gradient: q [T, H*hd], k/v [T, KV*hd] -> [T, H*hd]. */
export function varlenAttentionWebGpu(
  inputs: { q: tf.Tensor2D; k: tf.Tensor2D; v: tf.Tensor2D },
  attrs: AttentionAttrs,
): tf.Tensor2D {
  // Saves q/k/v only: backward recomputes O and the LSE, like the generic kernel.
  const body = (q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save([q, k, v]);
    return {
      value: varlenAttentionForward(q, k, v, attrs),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [qs, ks, vs] = saved as tf.Tensor2D[];
        return varlenAttentionBackward(qs, ks, vs, dy, attrs);
      },
    };
  };
  const f = tf.customGrad(body as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(inputs.q, inputs.k, inputs.v) as tf.Tensor2D;
}
