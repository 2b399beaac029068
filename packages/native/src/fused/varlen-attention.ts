/**
 * gft's varlen attention on a native device: the `attentionForward` / `attentionBackward`
 * kernels (host: native/host/attention.cc) with core's VARLEN_ATTENTION semantics (causal
 * inside each cu_seqlens sequence, optional sliding window and softcap, GQA/MQA). The forward
 * also returns the log-sum-exp of each (query, head) row; the gradient keeps q, k, v, the
 * output and that LSE ([T, H], small), and recomputes the probabilities from them, so no
 * score matrix outlives a kernel call.
 *
 * Shape legend: T = packed tokens, H = query heads, KV = key/value heads, hd = head dim.
 */
import {
  GftError,
  type tf,
  type VarlenAttentionAttrs,
  type VarlenAttentionInputs,
} from '@gft/core';
import { callNative, currentNativeBackend, customGrad, expectTensor } from './native-call.js';

const WHERE = 'native fused kernel GftVarlenAttention';

/** Native params: [T, H, KV, hd, scale, softcap, window, B, cu[0..B]] (validated). */
export function attentionParams(
  inputs: VarlenAttentionInputs,
  attrs: VarlenAttentionAttrs,
): number[] {
  const { numHeads: h, numKvHeads: kv, headDim: hd, cuSeqlens: cu } = attrs;
  if (!(kv > 0 && h > 0 && h % kv === 0 && hd > 0)) {
    throw new GftError(
      'BAD_CONFIG',
      `${WHERE}: numHeads ${h} must be a positive multiple of numKvHeads ${kv} (headDim ${hd})`,
      { where: 'numKvHeads' },
    );
  }
  const t = inputs.q.shape[0];
  expectTensor(WHERE, 'q', inputs.q, [t, h * hd]);
  expectTensor(WHERE, 'k', inputs.k, [t, kv * hd]);
  expectTensor(WHERE, 'v', inputs.v, [t, kv * hd]);
  const n = cu.length;
  if (n < 2 || cu[0] !== 0 || cu[n - 1] !== t) {
    throw new GftError(
      'BAD_INPUT',
      `${WHERE}: cuSeqlens must start at 0 and end at T=${t}, got [${Array.from(cu).join(', ')}]`,
      { where: 'cuSeqlens' },
    );
  }
  for (let i = 0; i + 1 < n; i++) {
    if (!(cu[i + 1] > cu[i]) || !Number.isInteger(cu[i + 1])) {
      throw new GftError('BAD_INPUT', `${WHERE}: sequence ${i} has length ${cu[i + 1] - cu[i]}`, {
        where: 'cuSeqlens',
      });
    }
  }
  const softcap = attrs.softcap ?? 0;
  const window = attrs.window ?? 0;
  return [
    t,
    h,
    kv,
    hd,
    attrs.scale,
    Math.max(softcap, 0),
    Math.max(window, 0),
    n - 1,
    ...Array.from(cu),
  ];
}

/** Varlen attention with its gradient: q [T, H*hd], k/v [T, KV*hd] -> [T, H*hd]. */
export function varlenAttentionNative(
  inputs: VarlenAttentionInputs,
  attrs: VarlenAttentionAttrs,
): tf.Tensor2D {
  const backend = currentNativeBackend(WHERE);
  const params = attentionParams(inputs, attrs);
  const [t, h, kv, hd] = params;
  const f = customGrad<tf.Tensor2D>(
    (q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, save: tf.GradSaveFunc) => {
      const [out, lse] = callNative(
        backend,
        'attentionForward',
        [q, k, v],
        [
          [t, h * hd],
          [t, h],
        ],
        params,
      );
      save([q, k, v, out, lse]);
      return {
        value: out as tf.Tensor2D,
        gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) =>
          callNative(
            backend,
            'attentionBackward',
            [...saved, dy],
            [
              [t, h * hd],
              [t, kv * hd],
              [t, kv * hd],
            ],
            params,
          ),
      };
    },
  );
  return f(inputs.q, inputs.k, inputs.v);
}
