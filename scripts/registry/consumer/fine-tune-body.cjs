// The fine-tune both entry files run, given the modules they loaded (ESM import or CJS
// require), so the check is about how the packages resolve, not about two copies of a loop.
// Two QLoRA steps on the `tiny` preset (random init), padded micro-batches, wasm backend.
'use strict';

async function fineTune({ core, qlora: qloraPkg }, label) {
  const { tf, train, arrayBatchSource, paddingCollator, wasmBackend } = core;
  const { qlora, gemma } = qloraPkg;
  // No tokenizer: the rows below are token ids already.
  const set = {
    adapter: qlora({ r: 4, alpha: 8 }),
    collator: paddingCollator(),
    backend: wasmBackend(),
  };
  await set.backend.setup();
  const config = gemma.preset('tiny');
  const model = gemma.GemmaModel.build({
    config,
    weights: gemma.randomWeights(config, { seed: 1 }),
    adapter: set.adapter,
  });
  const vars = model.trainableVariables();
  const trainable = {
    trainableVariables: () => vars,
    frozenBytes: () => model.memory().frozenBytes,
    lossAndGrads: (mb, scale) => {
      const r = gemma.trainStep(model, mb, { lossScale: scale });
      return { loss: r.loss, grads: r.grads };
    },
    predict: (mb) => {
      const p = tf.tidy(() => tf.softmax(model.forward(mb).logits));
      const out = Float32Array.from(p.dataSync());
      p.dispose();
      return out;
    },
    dispose: () => model.dispose(),
  };
  // Eight token rows of 5..20 ids below the tiny vocabulary, one-hot labels.
  const rows = Array.from({ length: 8 }, (_, i) => {
    const ids = Int32Array.from(
      { length: 5 + ((i * 7) % 16) },
      (_, t) => (i * 31 + t * 17) % config.vocabSize,
    );
    const label = new Float32Array(3);
    label[i % 3] = 1;
    return { id: `row-${i}`, ids, label };
  });
  const batches = [rows.slice(0, 4), rows.slice(4)].map((b) =>
    set.collator.collate(b, { maxTokens: 64 }),
  );
  const tensorsBefore = tf.memory().numTensors;
  const result = await train({
    model: trainable,
    data: arrayBatchSource(batches),
    steps: 2,
    schedule: { lr: 1e-3 },
    backend: set.backend,
  });
  const losses = [...result.losses.values()];
  model.dispose();
  if (result.summary.steps !== 2 || losses.length !== 2) {
    throw new Error(
      `${label}: expected 2 steps, ran ${result.summary.steps} (${losses.length} losses)`,
    );
  }
  if (!losses.every(Number.isFinite)) throw new Error(`${label}: non-finite loss ${losses}`);
  if (tf.getBackend() !== 'wasm')
    throw new Error(`${label}: backend is ${tf.getBackend()}, not wasm`);
  console.log(
    `${label}: 2 QLoRA steps on tiny (${set.adapter.name}, ${set.collator.name}, ${tf.getBackend()}), losses ${losses.map((l) => l.toFixed(4)).join(', ')}; tensors ${tensorsBefore} -> ${tf.memory().numTensors}`,
  );
}

module.exports = { fineTune };
