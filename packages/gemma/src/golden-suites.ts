/**
 * Test support (not exported from the package): gemma's golden fixture suites, parameterised
 * by backend, so every backend runs the same checks with the same tolerances. Forward outputs
 * of every model fixture (f32, bf16, sharded, variants; packed and padded; tiny-gemma2's
 * intermediates), full fine-tune gradients (every parameter, plain and checkpointed, no tensor
 * leak across steps, sync and async readback) and op-level golden values (GELU, RoPE, RMSNorm).
 * gemma's own tests run them on cpu; @gft/plugin-cpu-native's on cpu-native (strict).
 */
import { existsSync } from 'node:fs';
import { cpuBackend, geluTanh, rmsNorm, tf } from '@gft/core';
import { fullFineTune } from '@gft/plugin-full-ft';
import type { TensorReader } from '@gft/safetensors';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkpointStore,
  fixture,
  packed3,
  readConfig,
  readTensors,
  within,
} from './fixture-support.js';
import { GemmaModel } from './model.js';
import { ropeTables } from './rope.js';
import { trainStep, trainStepAsync } from './train-step.js';

/** A backend the suites run on: its tfjs name and how to make it the current backend. */
export interface GoldenBackend {
  name: string;
  setup(): Promise<void>;
}

export const CPU_BACKEND: GoldenBackend = {
  name: 'cpu',
  setup: async () => {
    await cpuBackend().setup();
  },
};

interface ForwardCase {
  name: string;
  configDir: string;
  weightsDir: string;
  expectedDir: string;
}

export const FORWARD_CASES: readonly ForwardCase[] = [
  {
    name: 'tiny-gemma2',
    configDir: 'tiny-gemma2',
    weightsDir: 'tiny-gemma2',
    expectedDir: 'tiny-gemma2',
  },
  {
    name: 'tiny-gemma2 bf16',
    configDir: 'tiny-gemma2/model-bf16',
    weightsDir: 'tiny-gemma2/model-bf16',
    expectedDir: 'tiny-gemma2/model-bf16',
  },
  {
    name: 'tiny-gemma2 sharded',
    configDir: 'tiny-gemma2/sharded',
    weightsDir: 'tiny-gemma2/sharded',
    expectedDir: 'tiny-gemma2',
  },
  {
    name: 'tiny-gemma',
    configDir: 'tiny-gemma',
    weightsDir: 'tiny-gemma',
    expectedDir: 'tiny-gemma',
  },
  {
    name: 'tiny-gemma bf16',
    configDir: 'tiny-gemma/model-bf16',
    weightsDir: 'tiny-gemma/model-bf16',
    expectedDir: 'tiny-gemma/model-bf16',
  },
  {
    name: 'tiny-gemma sharded',
    configDir: 'tiny-gemma/sharded',
    weightsDir: 'tiny-gemma/sharded',
    expectedDir: 'tiny-gemma',
  },
  {
    name: 'gemma2-qpas24',
    configDir: 'variants/gemma2-qpas24',
    weightsDir: 'tiny-gemma2',
    expectedDir: 'variants/gemma2-qpas24',
  },
  {
    name: 'gemma2-strongcap',
    configDir: 'variants/gemma2-strongcap',
    weightsDir: 'tiny-gemma2',
    expectedDir: 'variants/gemma2-strongcap',
  },
];

/** Fixtures with grads_full.safetensors (every parameter's gradient on the packed batch). */
export const GRADIENT_CASES: ReadonlyArray<Omit<ForwardCase, 'expectedDir'> & { grads: string }> = [
  {
    name: 'tiny-gemma2',
    configDir: 'tiny-gemma2',
    weightsDir: 'tiny-gemma2',
    grads: 'tiny-gemma2',
  },
  { name: 'tiny-gemma', configDir: 'tiny-gemma', weightsDir: 'tiny-gemma', grads: 'tiny-gemma' },
  {
    name: 'gemma2-strongcap',
    configDir: 'variants/gemma2-strongcap',
    weightsDir: 'tiny-gemma2',
    grads: 'variants/gemma2-strongcap',
  },
];

/** A fixture model (config from `configDir`, weights from `weightsDir`), full-ft by default. */
export function buildFixtureModel(
  c: { configDir: string; weightsDir: string },
  adapter = fullFineTune(),
): GemmaModel {
  const weights = checkpointStore(fixture(c.weightsDir));
  try {
    return GemmaModel.build({
      config: readConfig(fixture(c.configDir, 'config.json')),
      weights,
      adapter,
    });
  } finally {
    weights.close?.();
  }
}

/** Rows of padded [B, L, D] at valid positions, in packed order. */
function validRows(
  padded: Float32Array,
  seqLens: number[],
  maxLen: number,
  width: number,
): Float32Array {
  const out: number[] = [];
  seqLens.forEach((len, b) => {
    for (let t = 0; t < len; t++)
      for (let j = 0; j < width; j++) out.push(padded[(b * maxLen + t) * width + j]);
  });
  return Float32Array.from(out);
}

/**
 * Worst gradient error over every tensor, max|a - e| / max|e| per tensor; prints it and any
 * tensor over `tol` (`prefix` + name is the key in the expected file).
 */
export function worstGradientError(
  label: string,
  grads: ReadonlyMap<string, tf.Tensor>,
  expected: TensorReader,
  tol = 1e-3,
  prefix = '',
): number {
  let worst = 0;
  for (const [name, g] of grads) {
    const e = expected.readF32(`${prefix}${name}`);
    const a = g.dataSync();
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < e.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - e[i]));
      scale = Math.max(scale, Math.abs(e[i]));
    }
    if (a.length !== e.length)
      throw new Error(`${label} ${name}: length ${a.length}, expected ${e.length}`);
    if (!(diff <= tol * scale)) within(`${label} ${name}`, a, e, tol);
    worst = Math.max(worst, scale > 0 ? diff / scale : diff === 0 ? 0 : Number.POSITIVE_INFINITY);
  }
  console.log(
    `${label}: worst gradient error (max|diff| / max|e|) over ${grads.size} tensors: ${worst.toExponential(3)}`,
  );
  return worst;
}

/** Every model fixture's forward, packed and padded, and tiny-gemma2's layer outputs. */
export function goldenForwardSuite(backend: GoldenBackend): void {
  describe(`golden forward on ${backend.name}`, () => {
    beforeAll(() => backend.setup());

    for (const c of FORWARD_CASES) {
      it(`${c.name}: packed and padded match the reference`, () => {
        expect(tf.getBackend()).toBe(backend.name);
        if (!existsSync(fixture(c.expectedDir, 'expected.safetensors')))
          throw new Error(`missing ${c.expectedDir}`);
        const exp = readTensors(fixture(c.expectedDir, 'expected.safetensors'));
        const { packed, padded } = packed3();
        const model = buildFixtureModel(c);
        const before = tf.memory().numTensors;
        const p = model.forward(packed);
        const q = model.forward(padded);
        const lm = model.lmLogits(p.hidden);
        const label = `${backend.name} ${c.name}`;
        const ok: boolean[] = [];
        const t = (what: string, a: ArrayLike<number>, key: string) =>
          ok.push(within(`${label} ${what}`, a, exp.readF32(key), 1e-4, 1e-5));
        const hidden = p.hidden.dataSync();
        t('hidden_final', hidden, 'hidden_final');
        t('lm_logits', lm.dataSync(), 'lm_logits');
        t('cls_logits', p.logits.dataSync(), 'cls_logits');
        ok.push(within(`${label} loss`, p.loss.dataSync(), exp.readF32('loss'), 1e-5));
        const qh = validRows(
          q.hidden.dataSync() as Float32Array,
          packed.seqLens,
          padded.maxSeqLen,
          64,
        );
        const expQh = validRows(
          exp.readF32('padded.hidden_final'),
          packed.seqLens,
          padded.maxSeqLen,
          64,
        );
        ok.push(within(`${label} padded.hidden_final (valid rows)`, qh, expQh, 1e-4, 1e-5));
        t('padded.cls_logits', q.logits.dataSync(), 'padded.cls_logits');
        ok.push(
          within(`${label} padded.loss`, q.loss.dataSync(), exp.readF32('padded.loss'), 1e-5),
        );
        ok.push(within(`${label} packed vs padded hidden`, qh, hidden, 0, 1e-5));
        ok.push(
          within(
            `${label} packed vs padded cls_logits`,
            q.logits.dataSync(),
            p.logits.dataSync(),
            0,
            1e-5,
          ),
        );
        tf.dispose([p.hidden, p.logits, p.loss, q.hidden, q.logits, q.loss, lm]);
        expect(tf.memory().numTensors).toBe(before);
        model.dispose();
        exp.close();
        expect(ok.every(Boolean)).toBe(true);
      });
    }

    it('tiny-gemma2: every layer output matches layer_io', () => {
      const exp = readTensors(fixture('tiny-gemma2', 'expected.safetensors'));
      const model = buildFixtureModel(FORWARD_CASES[0]);
      const { packed } = packed3();
      const ctx = model.context(packed);
      const layerIo = exp.readF32('layer_io');
      const n = 36 * 64;
      let x = model.embed(ctx);
      const ok = [
        within(
          `${backend.name} layer_io[0] (scaled embeddings)`,
          x.dataSync(),
          layerIo.subarray(0, n),
          1e-4,
          1e-5,
        ),
      ];
      for (let i = 0; i < 4; i++) {
        const y = model.layer(i, x, ctx);
        x.dispose();
        x = y;
        ok.push(
          within(
            `${backend.name} layer_io[${i + 1}]`,
            x.dataSync(),
            layerIo.subarray((i + 1) * n, (i + 2) * n),
            1e-4,
            1e-5,
          ),
        );
      }
      x.dispose();
      ctx.dispose();
      model.dispose();
      exp.close();
      expect(ok.every(Boolean)).toBe(true);
    });
  });
}

/** Full fine-tune gradients against grads_full; checkpointed == plain; no leaks; async == sync. */
export function fullFtGradientSuite(backend: GoldenBackend): void {
  describe(`full fine-tune gradients on ${backend.name}`, () => {
    beforeAll(() => backend.setup());

    for (const c of GRADIENT_CASES) {
      it(`${c.name}: every parameter's gradient matches grads_full (plain packed, checkpointed padded)`, () => {
        expect(tf.getBackend()).toBe(backend.name);
        const exp = readTensors(fixture(c.grads, 'grads_full.safetensors'));
        const model = buildFixtureModel(c);
        const { packed, padded } = packed3();
        const variants = [
          { label: 'plain packed', mb: packed, checkpoint: false },
          { label: 'checkpointed padded', mb: padded, checkpoint: true },
        ];
        const worst: number[] = [];
        for (const v of variants) {
          const r = trainStep(model, v.mb, { checkpoint: v.checkpoint });
          expect([...r.grads.keys()].sort()).toEqual(exp.names());
          worst.push(worstGradientError(`${backend.name} ${c.name} ${v.label}`, r.grads, exp));
          tf.dispose([...r.grads.values()]);
        }
        model.dispose();
        exp.close();
        expect(Math.max(...worst)).toBeLessThanOrEqual(1e-3);
      });
    }

    it('tiny-gemma2: checkpointed and plain steps agree, and no tensor leaks across steps', () => {
      const model = buildFixtureModel({ configDir: 'tiny-gemma2', weightsDir: 'tiny-gemma2' });
      const { packed } = packed3();
      const a = trainStep(model, packed);
      const b = trainStep(model, packed, { checkpoint: true });
      // 5-row MLP chunks: several chunks, the last one partial.
      const c = trainStep(model, packed, { checkpoint: true, mlpChunkRows: 5 });
      // Equal up to float32 rounding (2 ulps): a BLAS may round a 5-row product differently.
      const ulps2 = 2 ** -22;
      expect(within(`${backend.name} plain vs checkpointed loss`, [b.loss], [a.loss], ulps2)).toBe(
        true,
      );
      expect(
        within(`${backend.name} plain vs chunked checkpointed loss`, [c.loss], [a.loss], ulps2),
      ).toBe(true);
      for (const [label, r] of [
        ['checkpointed', b],
        ['checkpointed, MLP in 5-row chunks', c],
      ] as const) {
        let worst = 0;
        for (const [k, g] of a.grads) {
          worst = Math.max(
            worst,
            tf.tidy(() => tf.max(tf.abs(tf.sub(g, r.grads.get(k)!))).dataSync()[0]),
          );
        }
        console.log(
          `${backend.name} plain vs ${label} gradients: max|diff| ${worst.toExponential(3)}`,
        );
        expect(worst).toBeLessThan(1e-6);
      }
      tf.dispose([...a.grads.values(), ...b.grads.values(), ...c.grads.values()]);
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) {
        for (const checkpoint of [false, true])
          tf.dispose([...trainStep(model, packed, { checkpoint }).grads.values()]);
        counts.push(tf.memory().numTensors);
      }
      console.log(`${backend.name} numTensors after steps`, counts);
      expect(new Set(counts).size).toBe(1);
      model.dispose();
    });

    it('trainStepAsync (await data(), no dataSync) gives the same loss, logits and gradients', async () => {
      const model = buildFixtureModel({ configDir: 'tiny-gemma2', weightsDir: 'tiny-gemma2' });
      const { packed } = packed3();
      for (const checkpoint of [false, true]) {
        const a = trainStep(model, packed, { checkpoint, lossScale: 0.5 });
        const before = tf.memory().numTensors;
        const b = await trainStepAsync(model, packed, { checkpoint, lossScale: 0.5 });
        expect(tf.memory().numTensors).toBe(before + b.grads.size);
        expect(b.loss).toBe(a.loss);
        expect(Array.from(b.logits)).toEqual(Array.from(a.logits));
        let worst = 0;
        for (const [k, g] of a.grads)
          worst = Math.max(
            worst,
            tf.tidy(() => tf.max(tf.abs(tf.sub(g, b.grads.get(k)!))).dataSync()[0]),
          );
        console.log(
          `${backend.name} checkpoint=${checkpoint}: sync vs async loss ${a.loss} / ${b.loss}, max|grad diff| ${worst}`,
        );
        expect(worst).toBe(0);
        tf.dispose([...a.grads.values(), ...b.grads.values()]);
      }
      model.dispose();
    });
  });
}

/** Function-level golden values (fixtures ops/): tanh-GELU, RoPE tables, RMSNorm. */
export function opsGoldenSuite(backend: GoldenBackend): void {
  describe(`ops golden values on ${backend.name}`, () => {
    beforeAll(() => backend.setup());

    it('gelu, rope, rmsnorm', () => {
      expect(tf.getBackend()).toBe(backend.name);
      const r = readTensors(fixture('ops', 'ops.safetensors'));
      const ok: boolean[] = [];
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const x = tf.tensor1d(r.readF32('gelu.x'));
        ok.push(
          within(`${backend.name} gelu`, geluTanh(x).dataSync(), r.readF32('gelu.y'), 1e-4, 1e-5),
        );
      });
      const positions = r.read('rope.positions') as Int32Array;
      for (const hd of [16, 64]) {
        const { cos, sin } = ropeTables(positions, hd, 10000);
        // Our tables hold one half; the fixture's `cat(freqs, freqs)` repeats it.
        const full = (h: Float32Array) => {
          const out = new Float32Array(positions.length * hd);
          for (let n = 0; n < positions.length; n++) {
            for (let i = 0; i < hd; i++) out[n * hd + i] = h[n * (hd / 2) + (i % (hd / 2))];
          }
          return out;
        };
        ok.push(within(`rope hd${hd} cos`, full(cos), r.readF32(`rope.hd${hd}.cos`), 0, 1e-6));
        ok.push(within(`rope hd${hd} sin`, full(sin), r.readF32(`rope.hd${hd}.sin`), 0, 1e-6));
      }
      const y = tf.tidy(() =>
        rmsNorm(
          {
            x: tf.tensor2d(r.readF32('rmsnorm.x'), [4, 64]),
            weight: tf.tensor1d(r.readF32('rmsnorm.w')),
          },
          { eps: 1e-6 },
        ).dataSync(),
      );
      const e = r.readF32('rmsnorm.y');
      // Rows differ in scale by 1e4; check each row against its own magnitude.
      for (let row = 0; row < 4; row++) {
        ok.push(
          within(
            `${backend.name} rmsnorm row ${row}`,
            y.subarray(row * 64, row * 64 + 64),
            e.subarray(row * 64, row * 64 + 64),
            1e-4,
            1e-5,
          ),
        );
      }
      r.close();
      expect(tf.memory().numTensors).toBe(before);
      expect(ok.every(Boolean)).toBe(true);
    });
  });
}
