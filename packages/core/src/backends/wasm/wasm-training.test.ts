/**
 * End-to-end: a tiny language model (embedding gather, slice/concat, batched attention
 * matmuls, where/max/softmax, transpose, tanh/sigmoid, pad, transposed gradient matmuls,
 * a tied output projection, softmax cross-entropy, Adam) trained 20 steps on cpu and on
 * the fixed wasm backend from the same initial weights.
 * The per-step losses must agree, and wasm must not leak tensors or heap buffers.
 *
 * Shape legend: B batch, T tokens, D model width, H hidden width, V vocabulary.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../tf.js';
import { wasmBackend } from './wasm-backend.js';
import { wasmInternals } from './wasm-internals.js';
import { onBackend, seededValues } from './wasm-test-utils.js';

const B = 3;
const T = 8;
const D = 16;
const H = 24;
const V = 40;
const STEPS = 20;

const INIT = {
  embedding: seededValues(V * D, 101, 0.5), // [V, D]
  wq: seededValues(D * D, 102, 0.3), // [D, D]
  w1: seededValues(D * H, 103, 0.3), // [D, H]
  w2: seededValues(H * D, 104, 0.3), // [H, D]
};
const TOKENS = Int32Array.from(seededValues(B * (T + 1), 105), (u) => Math.floor((u + 1) * 20) % V);

interface Run {
  losses: number[];
  tensorsAfter: number[];
  dataIdsAfter: number[];
}

function train(countDataIds: () => number): Run {
  const embedding = tf.variable(tf.tensor2d(INIT.embedding, [V, D]), true, 'embedding');
  const wq = tf.variable(tf.tensor2d(INIT.wq, [D, D]), true, 'wq');
  const w1 = tf.variable(tf.tensor2d(INIT.w1, [D, H]), true, 'w1');
  const w2 = tf.variable(tf.tensor2d(INIT.w2, [H, D]), true, 'w2');
  const tokens = tf.tensor2d(TOKENS, [B, T + 1], 'int32');
  const inputs = tf.slice(tokens, [0, 0], [B, T]); // [B, T]
  const targets = tf.slice(tokens, [0, 1], [B, T]); // [B, T]
  const mask = tf.linalg.bandPart(tf.ones([T, T]), -1, 0); // causal, [T, T]
  const optimizer = tf.train.adam(0.01);

  const loss = () =>
    tf.tidy(() => {
      const rows = tf.gather(embedding, tf.reshape(inputs, [-1])); // [B*T, D]
      // Split and re-join the width (concat and slice gradients), as rotary code does.
      const halves = [
        tf.slice(rows, [0, 0], [B * T, D / 2]),
        tf.slice(rows, [0, D / 2], [B * T, D / 2]),
      ];
      const x = tf.reshape(tf.concat([halves[1], halves[0]], 1), [B, T, D]);
      // Attention: batched matmul with a transposed operand, masked softmax.
      // (tfjs 4.22's BatchMatMul gradient mishandles a broadcast rank-2 b: flatten instead.)
      const q = tf.reshape(tf.matMul(tf.reshape(x, [B * T, D]), wq), [B, T, D]);
      const scores = tf.div(tf.matMul(q, x, false, true), Math.sqrt(D)); // [B, T, T]
      const masked = tf.where(tf.cast(mask, 'bool'), scores, tf.fill([B, T, T], -1e9));
      const stable = tf.sub(masked, tf.max(masked, -1, true)); // max's gradient too
      const attended = tf.matMul(tf.softmax(stable), x); // [B, T, D]
      // Feed-forward on the flattened tokens, tanh and sigmoid gates, a padded/sliced skip.
      const mixed = tf.transpose(
        tf.add(tf.transpose(x, [0, 2, 1]), tf.transpose(attended, [0, 2, 1])),
        [0, 2, 1],
      );
      const flat = tf.reshape(mixed, [B * T, D]);
      const hidden = tf.matMul(flat, w1); // [B*T, H]
      const gated = tf.mul(tf.tanh(hidden), tf.sigmoid(hidden));
      const skip = tf.slice(
        tf.pad(flat, [
          [0, 0],
          [1, 1],
        ]),
        [0, 1],
        [B * T, D],
      );
      const out = tf.add(tf.matMul(gated, w2), skip); // [B*T, D]
      // Tied output projection: a transposed matmul against the embedding table.
      const logits = tf.matMul(out, embedding, false, true); // [B*T, V]
      const labels = tf.oneHot(tf.reshape(targets, [-1]), V);
      return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
    });

  const run: Run = { losses: [], tensorsAfter: [], dataIdsAfter: [] };
  for (let step = 0; step < STEPS; step++) {
    const value = optimizer.minimize(loss, true) as tf.Scalar;
    run.losses.push(value.dataSync()[0]);
    value.dispose();
    run.tensorsAfter.push(tf.memory().numTensors);
    run.dataIdsAfter.push(countDataIds());
  }
  optimizer.dispose();
  tf.dispose([embedding, wq, w1, w2, tokens, inputs, targets, mask]);
  return run;
}

describe('training on the fixed wasm backend', () => {
  beforeAll(async () => {
    await wasmBackend().setup();
  });

  it('matches cpu step by step for 20 Adam steps without leaking', async () => {
    const cpu = await onBackend('cpu', () => train(() => 0));
    const wasm = await onBackend('wasm', () => {
      const backend = wasmInternals();
      return train(() => backend.numDataIds());
    });

    let worst = 0;
    for (let step = 0; step < STEPS; step++) {
      const rel = Math.abs(wasm.losses[step] - cpu.losses[step]) / Math.abs(cpu.losses[step]);
      worst = Math.max(worst, rel);
    }
    console.log(
      `losses cpu ${cpu.losses[0].toFixed(5)} -> ${cpu.losses[STEPS - 1].toFixed(5)}, ` +
        `wasm ${wasm.losses[0].toFixed(5)} -> ${wasm.losses[STEPS - 1].toFixed(5)}; ` +
        `max per-step relative difference ${worst.toExponential(2)}`,
    );
    expect(cpu.losses[STEPS - 1]).toBeLessThan(cpu.losses[0] * 0.9); // it does learn
    expect(worst).toBeLessThanOrEqual(1e-4);
    // Adam creates its moment slots on step 1; from step 2 on nothing may accumulate.
    expect(new Set(wasm.tensorsAfter.slice(1)).size).toBe(1);
    expect(new Set(wasm.dataIdsAfter.slice(1)).size).toBe(1);
  });
});
