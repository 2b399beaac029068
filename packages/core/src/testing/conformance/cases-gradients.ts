/**
 * Conformance cases for gradient kernels: `tf.grads` through small composites shaped like a
 * training step (embedding gather, matmul, softmax, RMS norm, gated activation, slicing and
 * concatenation, broadcasting), so the backward kernels (UnsortedSegmentSum, transposed
 * BatchMatMul, Sum over broadcast dims, PadV2 from Slice, Select from Maximum...) run on the
 * backend under test. Each returns every gradient; tolerances are ACCUMULATED throughout.
 */
import { ACCUMULATED, type ConformanceCase, ints, positive, rand } from './case.js';

export function gradientCases(): ConformanceCase[] {
  return [
    {
      kernel: 'GatherV2 + BatchMatMul + Softmax + Sum + UnsortedSegmentSum',
      name: 'grads of sum(softmax(gather(table, ids) · w) * target)',
      tolerance: ACCUMULATED,
      run: (tf) => {
        const ids = ints(tf, [11], 1300, 0, 19);
        const target = rand(tf, [11, 7], 1301);
        const f = (table: typeof target, w: typeof target) =>
          tf.sum(tf.mul(tf.softmax(tf.matMul(tf.gather(table, ids), w)), target));
        return tf.grads(f)([rand(tf, [20, 6], 1302), rand(tf, [6, 7], 1303)]);
      },
    },
    {
      kernel: 'BatchMatMul + Rsqrt + Sigmoid + Mean + Max + Exp + Log',
      name: 'grads of cross-entropy over a gated, RMS-normed projection',
      tolerance: ACCUMULATED,
      run: (tf) => {
        const labels = tf.oneHot(ints(tf, [9], 1310, 0, 4), 5);
        const f = (x: typeof labels, w: typeof labels, g: typeof labels, scale: typeof labels) => {
          const rms = tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6));
          const h = tf.mul(tf.mul(x, rms), tf.add(scale, 1));
          const gate = tf.sigmoid(tf.matMul(h, g, false, true));
          const logits = tf.matMul(tf.mul(h, gate), w);
          return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), labels), -1)));
        };
        return tf.grads(f)([
          rand(tf, [9, 8], 1311, 2),
          rand(tf, [8, 5], 1312),
          rand(tf, [8, 8], 1313),
          rand(tf, [8], 1314, 0.1),
        ]);
      },
    },
    {
      kernel: 'Slice + Concat + Transpose + Reshape + PadV2',
      name: 'grads through slice, concat, transpose, reshape and pad',
      tolerance: ACCUMULATED,
      run: (tf) => {
        const weights = rand(tf, [2, 36], 1320);
        const f = (x: typeof weights) => {
          const a = tf.slice(x, [0, 1, 0], [2, 3, 4]);
          const b = tf.transpose(tf.slice(x, [0, 0, 1], [2, 4, 3]), [0, 2, 1]);
          const c = tf.pad(tf.concat([a, b], 2), [
            [0, 0],
            [1, 0],
            [0, 1],
          ]);
          return tf.sum(tf.mul(tf.reshape(c, [2, 36]), weights));
        };
        return tf.grads(f)([rand(tf, [2, 4, 4], 1321)]);
      },
    },
    {
      kernel: 'Maximum + Minimum + Pow + Sqrt + Exp + Log + Tanh + Abs',
      name: 'grads of element-wise math with ties in Maximum / Minimum',
      tolerance: ACCUMULATED,
      run: (tf) => {
        const f = (x: ReturnType<typeof rand>, y: ReturnType<typeof rand>) => {
          const m = tf.add(tf.maximum(x, y), tf.minimum(x, tf.scalar(0.25)));
          const p = tf.add(tf.pow(tf.abs(y), 1.5), tf.sqrt(tf.add(tf.abs(x), 1)));
          return tf.sum(tf.add(tf.mul(tf.tanh(m), p), tf.log(tf.add(tf.exp(y), 1))));
        };
        const x = tf.concat([rand(tf, [6], 1330, 2), tf.tensor1d([0.25, 0.5, -1])]);
        const y = tf.concat([rand(tf, [6], 1331, 2), tf.tensor1d([0.7, 0.5, -1])]);
        return tf.grads(f)([x, y]);
      },
    },
    {
      kernel: 'Add + Multiply + RealDiv + Sum + Reshape',
      name: 'grads of broadcast add, mul and div ([4,1,6] with [5,1] and [6])',
      tolerance: ACCUMULATED,
      run: (tf) => {
        const f = (
          a: ReturnType<typeof rand>,
          b: ReturnType<typeof rand>,
          c: ReturnType<typeof rand>,
        ) => tf.sum(tf.square(tf.div(tf.mul(tf.add(a, b), c), tf.add(tf.abs(c), 1))));
        return tf.grads(f)([
          rand(tf, [4, 1, 6], 1340),
          rand(tf, [5, 1], 1341),
          positive(tf, [6], 1342),
        ]);
      },
    },
  ];
}
