/**
 * The two heads on the last real token of each sequence, and the loss. `classification`:
 * the `score` matrix [3, D] (no bias). `verdict`: LM-head logits (tied embeddings, final
 * soft cap on Gemma-2) of the three token ids that follow `[[` (A, B and the tie token C).
 * Loss: soft-label cross-entropy, mean over sequences.
 *
 * Shape legend: N = token rows, B = sequences, D = hidden, V = vocabulary.
 */
import { GftError, tf } from '@gft/core';
import type { GemmaConfig } from './config.js';

export type HeadSpec =
  | { kind: 'classification' }
  | {
      kind: 'verdict';
      /** Token ids of `A`, `B` and the tie token `C`, in label order. */
      tokenIds: readonly [number, number, number];
    };

export function checkHead(head: HeadSpec, config: GemmaConfig): void {
  if (head.kind === 'verdict') {
    if (
      head.tokenIds.length !== 3 ||
      head.tokenIds.some((t) => !Number.isInteger(t) || t < 0 || t >= config.vocabSize)
    ) {
      throw new GftError(
        'BAD_CONFIG',
        `verdict head: tokenIds must be 3 ids in [0, ${config.vocabSize}), got [${head.tokenIds.join(', ')}]`,
        { where: 'head.tokenIds' },
      );
    }
  } else if (head.kind !== 'classification') {
    throw new GftError(
      'BAD_CONFIG',
      `unknown head '${(head as { kind: string }).kind}' (heads: classification, verdict)`,
      {
        where: 'head.kind',
      },
    );
  }
}

function softcap(x: tf.Tensor, cap: number | undefined): tf.Tensor {
  return cap && cap > 0 ? tf.mul(tf.tanh(tf.div(x, cap)), cap) : x;
}

/** hidden: [N, D] final-normed; embed: [V, D] -> [N, V] LM logits (soft-capped on Gemma-2). */
export function lmLogits(
  config: GemmaConfig,
  hidden: tf.Tensor2D,
  embed: tf.Tensor2D,
): tf.Tensor2D {
  return tf.tidy(
    () => softcap(tf.matMul(hidden, embed, false, true), config.finalSoftcap) as tf.Tensor2D,
  );
}

/** last: [B, D] final-normed last-token states -> [B, 3] */
export function headLogits(
  config: GemmaConfig,
  head: HeadSpec,
  last: tf.Tensor2D,
  params: { embed: tf.Tensor2D; score?: tf.Tensor2D },
): tf.Tensor2D {
  return tf.tidy(() => {
    if (head.kind === 'classification') {
      if (!params.score)
        throw new GftError('INTERNAL', 'classification head without score weights');
      return tf.matMul(last, params.score, false, true);
    }
    const rows = tf.gather(params.embed, tf.tensor1d([...head.tokenIds], 'int32'));
    return softcap(tf.matMul(last, rows, false, true), config.finalSoftcap) as tf.Tensor2D;
  });
}

/** -mean_b sum_c p[b,c] * log_softmax(logits)[b,c]; logits, labels: [B, 3] -> scalar */
export function softLabelCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor2D): tf.Scalar {
  return tf.tidy(
    () => tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits, -1)), -1))) as tf.Scalar,
  );
}
