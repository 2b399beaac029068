/**
 * Per-micro-batch tensors the layers share: token ids, RoPE tables, the attention segments
 * and the rows the heads read. Built once per forward (or per training step) and disposed
 * by its owner. Both layouts flatten tokens to N rows: packed N = T, padded N = B * L.
 *
 * Shape legend: N = token rows, B = sequences, L = padded row length, hd = head dim.
 */
import { GftError, lastTokenIndex, type MicroBatch, tf } from '@gft/core';
import type { GemmaConfig } from './config.js';
import { fullRopeTable, ropeTables, rotateHalfMatrix } from './rope.js';

export interface BatchContext {
  n: number;
  batchSize: number;
  /** [N] int32 */
  ids: tf.Tensor1D;
  /** [N, 1, hd] full-width RoPE tables (HF `cat(t, t)`). */
  cos: tf.Tensor3D;
  sin: tf.Tensor3D;
  /** [hd, hd] rotate_half as a matrix (see `applyRope`). */
  rot: tf.Tensor2D;
  /**
   * Attention segments over the N rows: packed, the sequences; padded, one row of L each.
   * Rows are right-padded, so causal attention never lets a real token see padding.
   */
  cuSeqlens: Int32Array;
  /** [B] int32 row of each sequence's last real token. */
  lastIndex: tf.Tensor1D;
  /** [B, 3] */
  labels: tf.Tensor2D;
  dispose(): void;
}

function checkPadded(mb: MicroBatch): void {
  const mask = mb.attentionMask;
  if (!mask) return;
  for (let b = 0; b < mb.batchSize; b++) {
    for (let t = 0; t < mb.maxSeqLen; t++) {
      const want = t < mb.seqLens[b] ? 1 : 0;
      if (mask[b * mb.maxSeqLen + t] !== want) {
        throw new GftError(
          'BAD_INPUT',
          `micro-batch row ${b}: attentionMask[${t}] is ${mask[b * mb.maxSeqLen + t]} but seqLens[${b}] = ${mb.seqLens[b]}; the model expects right-padded rows`,
          { where: `attentionMask[${b}]` },
        );
      }
    }
  }
}

export function buildContext(mb: MicroBatch, config: GemmaConfig): BatchContext {
  const n = mb.inputIds.length;
  let cuSeqlens: Int32Array;
  if (mb.layout === 'padded') {
    checkPadded(mb);
    cuSeqlens = new Int32Array(mb.batchSize + 1);
    for (let b = 0; b <= mb.batchSize; b++) cuSeqlens[b] = b * mb.maxSeqLen;
    if (n !== mb.batchSize * mb.maxSeqLen) {
      throw new GftError(
        'BAD_INPUT',
        `padded micro-batch: inputIds has ${n} entries, expected ${mb.batchSize} x ${mb.maxSeqLen}`,
        {
          where: 'inputIds',
        },
      );
    }
  } else {
    cuSeqlens = mb.cuSeqlens;
    if (cuSeqlens[cuSeqlens.length - 1] !== n) {
      throw new GftError(
        'BAD_INPUT',
        `packed micro-batch: cuSeqlens ends at ${cuSeqlens[cuSeqlens.length - 1]}, inputIds has ${n} tokens`,
        {
          where: 'cuSeqlens',
        },
      );
    }
  }
  for (const id of mb.inputIds) {
    if (id < 0 || id >= config.vocabSize) {
      throw new GftError(
        'BAD_INPUT',
        `token id ${id} is outside the vocabulary [0, ${config.vocabSize})`,
        { where: 'inputIds' },
      );
    }
  }
  const { cos, sin } = ropeTables(mb.positionIds, config.headDim, config.ropeTheta);
  const tensors = {
    ids: tf.tensor1d(mb.inputIds, 'int32'),
    cos: fullRopeTable(cos, n, config.headDim),
    sin: fullRopeTable(sin, n, config.headDim),
    rot: rotateHalfMatrix(config.headDim),
    lastIndex: tf.tensor1d(lastTokenIndex(mb), 'int32'),
    labels: tf.tensor2d(mb.labels, [mb.batchSize, 3]),
  };
  return {
    n,
    batchSize: mb.batchSize,
    cuSeqlens,
    ...tensors,
    dispose: () => tf.dispose(Object.values(tensors)),
  };
}
