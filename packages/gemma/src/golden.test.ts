/**
 * Golden tests against the repository's fixtures/ on the cpu backend: hidden states, LM logits,
 * classification logits and loss for every model fixture (f32, bf16, sharded, variants),
 * packed vs padded, and intermediates of tiny-gemma2.
 */
import { existsSync } from 'node:fs';
import { tf } from '@gft/core';
import { fullFineTune } from '@gft/plugin-full-ft';
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

interface Case {
  name: string;
  configDir: string;
  weightsDir: string;
  expectedDir: string;
  hasRaw: boolean;
}

const CASES: Case[] = [
  {
    name: 'tiny-gemma2',
    configDir: 'tiny-gemma2',
    weightsDir: 'tiny-gemma2',
    expectedDir: 'tiny-gemma2',
    hasRaw: true,
  },
  {
    name: 'tiny-gemma2 bf16',
    configDir: 'tiny-gemma2/model-bf16',
    weightsDir: 'tiny-gemma2/model-bf16',
    expectedDir: 'tiny-gemma2/model-bf16',
    hasRaw: true,
  },
  {
    name: 'tiny-gemma2 sharded',
    configDir: 'tiny-gemma2/sharded',
    weightsDir: 'tiny-gemma2/sharded',
    expectedDir: 'tiny-gemma2',
    hasRaw: true,
  },
  {
    name: 'tiny-gemma',
    configDir: 'tiny-gemma',
    weightsDir: 'tiny-gemma',
    expectedDir: 'tiny-gemma',
    hasRaw: false,
  },
  {
    name: 'tiny-gemma bf16',
    configDir: 'tiny-gemma/model-bf16',
    weightsDir: 'tiny-gemma/model-bf16',
    expectedDir: 'tiny-gemma/model-bf16',
    hasRaw: false,
  },
  {
    name: 'tiny-gemma sharded',
    configDir: 'tiny-gemma/sharded',
    weightsDir: 'tiny-gemma/sharded',
    expectedDir: 'tiny-gemma',
    hasRaw: false,
  },
  {
    name: 'gemma2-qpas24',
    configDir: 'variants/gemma2-qpas24',
    weightsDir: 'tiny-gemma2',
    expectedDir: 'variants/gemma2-qpas24',
    hasRaw: true,
  },
  {
    name: 'gemma2-strongcap',
    configDir: 'variants/gemma2-strongcap',
    weightsDir: 'tiny-gemma2',
    expectedDir: 'variants/gemma2-strongcap',
    hasRaw: true,
  },
];

export function buildFixtureModel(
  c: Pick<Case, 'configDir' | 'weightsDir'>,
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

describe('golden forward', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const c of CASES) {
    it(`${c.name}: packed and padded match the reference`, () => {
      if (!existsSync(fixture(c.expectedDir, 'expected.safetensors')))
        throw new Error(`missing ${c.expectedDir}`);
      const exp = readTensors(fixture(c.expectedDir, 'expected.safetensors'));
      const { packed, padded } = packed3();
      const model = buildFixtureModel(c);
      const before = tf.memory().numTensors;
      const p = model.forward(packed);
      const q = model.forward(padded);
      const lm = model.lmLogits(p.hidden);
      const ok: boolean[] = [];
      const t = (label: string, a: ArrayLike<number>, key: string) =>
        ok.push(within(`${c.name} ${label}`, a, exp.readF32(key), 1e-4, 1e-5));
      const hidden = p.hidden.dataSync();
      t('hidden_final', hidden, 'hidden_final');
      t('lm_logits', lm.dataSync(), 'lm_logits');
      t('cls_logits', p.logits.dataSync(), 'cls_logits');
      ok.push(within(`${c.name} loss`, p.loss.dataSync(), exp.readF32('loss'), 1e-5));
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
      ok.push(within(`${c.name} padded.hidden_final (valid rows)`, qh, expQh, 1e-4, 1e-5));
      t('padded.cls_logits', q.logits.dataSync(), 'padded.cls_logits');
      ok.push(within(`${c.name} padded.loss`, q.loss.dataSync(), exp.readF32('padded.loss'), 1e-5));
      ok.push(within(`${c.name} packed vs padded hidden`, qh, hidden, 0, 1e-5));
      ok.push(
        within(
          `${c.name} packed vs padded cls_logits`,
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
    const model = buildFixtureModel(CASES[0]);
    const { packed } = packed3();
    const ctx = model.context(packed);
    const layerIo = exp.readF32('layer_io');
    const n = 36 * 64;
    let x = model.embed(ctx);
    const ok = [
      within('layer_io[0] (scaled embeddings)', x.dataSync(), layerIo.subarray(0, n), 1e-4, 1e-5),
    ];
    for (let i = 0; i < 4; i++) {
      const y = model.layer(i, x, ctx);
      x.dispose();
      x = y;
      ok.push(
        within(
          `layer_io[${i + 1}]`,
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
