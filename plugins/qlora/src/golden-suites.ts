/**
 * Test support (not exported from the package): QLoRA's golden fixture suite, parameterised by
 * backend. The bitsandbytes unit file (nf4/bnb_linear) loads and dequantises bit-exactly, in
 * JavaScript and on the backend (its NF4_MATMUL kernel over an identity input, and the
 * double-quantised scales undone by tensor ops); the 4-bit checkpoint (base-bnb-nf4) and
 * quantise-on-load from F32 give the expected base and adapter logits, loss and gradients,
 * frozen projections holding at most 0.13 of float32. QLoRA's own tests run it on cpu and
 * wasm; @gft/plugin-cpu-native's on cpu-native.
 */
import { join } from 'node:path';
import {
  cpuBackend,
  type LinearSite,
  NF4_MATMUL,
  resolveFusedKernel,
  tf,
  type WeightSource,
} from '@gft/core';
import { loadGemma, trainStep } from '@gft/gemma';
import { loraOptionsFromPeft } from '@gft/plugin-lora';
import { openSafetensors } from '@gft/safetensors';
import { beforeAll, describe, expect, it } from 'vitest';
import { nf4FromBnb } from './bnb-layout.js';
import { nf4Projection } from './nf4-projection.js';
import { dequantizedAbsmax, nf4ToTensors } from './nf4-tensors.js';
import { dequantizeNf4Weight } from './nf4-weight.js';
import { qlora } from './qlora.js';
import { bitDiffs, FIXTURES, packed3, relErr } from './test-support.js';

/** A backend the suite runs on: its tfjs name and how to make it the current backend. */
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

/** nf4/bnb_linear.safetensors' `linear.weight` ([128, 96]) with its bitsandbytes companions. */
function bnbLinearSource(r: ReturnType<typeof openSafetensors>): WeightSource {
  const companions: Record<string, { dtype: string; shape: number[]; read(): ArrayBufferView }> =
    {};
  for (const n of r.names()) {
    if (!n.startsWith('linear.weight.')) continue;
    const info = r.info(n);
    companions[n.slice('linear.weight.'.length)] = {
      dtype: info.dtype,
      shape: info.shape,
      read: () => r.readBytes(n),
    };
  }
  const info = r.info('linear.weight');
  return {
    name: 'linear.weight',
    shape: [128, 96],
    companions,
    stored: {
      dtype: info.dtype,
      shape: info.shape,
      read: () => r.readBytes('linear.weight'),
    },
  };
}

export function qloraGoldenSuite(backend: GoldenBackend): void {
  describe(`qlora on tiny-gemma2 on ${backend.name}`, () => {
    beforeAll(() => backend.setup());
    const loraDir = join(FIXTURES, 'tiny-gemma2-lora');
    const qDir = join(FIXTURES, 'tiny-gemma2-qlora');

    it('bnb_linear.safetensors loads and dequantises to case_a bit-exactly', () => {
      expect(tf.getBackend()).toBe(backend.name);
      const r = openSafetensors(join(FIXTURES, 'nf4', 'bnb_linear.safetensors'));
      const a = openSafetensors(join(FIXTURES, 'nf4', 'case_a.safetensors'));
      const src = bnbLinearSource(r);
      const w = nf4FromBnb(src);
      const expected = a.readF32('dequant_dq');
      expect(bitDiffs(dequantizeNf4Weight(w), expected)).toBe(0);

      // On the backend: the scales by tensor ops, the weight through the NF4_MATMUL kernel
      // (x = I gives W^T: one non-zero product per output, so exact in float32).
      const t = nf4ToTensors(w);
      const absmax = dequantizedAbsmax(t);
      const scaleDiffs = bitDiffs(absmax.dataSync(), a.readF32('absmax_dq'));
      absmax.dispose();
      t.dispose();
      const site: LinearSite = {
        name: 'linear',
        layer: 0,
        module: 'q_proj',
        inFeatures: 96,
        outFeatures: 128,
      };
      const proj = nf4Projection(site, src);
      const dequant = () => tf.tidy(() => proj.apply(tf.eye(96)).transpose().dataSync());
      const dense = dequant();
      // The first call may cache kernel constants; a second one leaves no tensor behind.
      const before = tf.memory().numTensors;
      expect(bitDiffs(dequant(), dense)).toBe(0);
      expect(tf.memory().numTensors).toBe(before);
      proj.dispose();
      const weightDiffs = bitDiffs(dense, expected);
      console.log(
        `${backend.name} bnb_linear on the backend: absmax_dq bit diffs ${scaleDiffs}, dequant_dq (NF4_MATMUL by ${resolveFusedKernel(NF4_MATMUL)?.source}, x = I) bit diffs ${weightDiffs}`,
      );
      expect(scaleDiffs).toBe(0);
      expect(weightDiffs).toBe(0);
      a.close();
      r.close();
    });

    for (const source of ['base-bnb-nf4', 'quantised on load'] as const) {
      it(`${source}: base and adapter logits, loss, gradients; frozen bytes`, async () => {
        expect(tf.getBackend()).toBe(backend.name);
        const label = `${backend.name} ${source}`;
        const dir =
          source === 'base-bnb-nf4' ? join(qDir, 'base-bnb-nf4') : join(FIXTURES, 'tiny-gemma2');
        const mb = await packed3();
        const exp = openSafetensors(join(qDir, 'expected.safetensors'));
        // Base only: the adapter's B is zero at init, so LoRA adds nothing; score is the base's.
        const adapter = qlora(loraOptionsFromPeft(loraDir));
        const model = loadGemma(dir, { adapter });
        const base = model.forward(mb);
        expect(
          relErr(
            `${label} base.cls_logits`,
            base.logits.dataSync(),
            exp.readF32('base.cls_logits'),
          ),
        ).toBeLessThan(1e-4);
        expect(
          relErr(`${label} base.loss`, base.loss.dataSync(), exp.readF32('base.loss')),
        ).toBeLessThan(1e-4);
        tf.dispose([base.hidden, base.logits, base.loss]);

        let frozen = 0;
        let f32 = 0;
        for (const [name, lin] of model.linears) {
          frozen += lin.frozenBytes;
          const s = name.includes('mlp') ? 64 * 128 : name.match(/[kv]_proj/) ? 32 * 64 : 64 * 64;
          f32 += s * 4;
        }
        console.log(
          `${label}: frozen projection bytes ${frozen} / float32 ${f32} = ${(frozen / f32).toFixed(4)}`,
        );
        expect(frozen / f32).toBeLessThanOrEqual(0.13);

        await adapter.load!(loraDir, model.adapterState());
        const out = model.forward(mb);
        expect(
          relErr(`${label} cls_logits`, out.logits.dataSync(), exp.readF32('cls_logits')),
        ).toBeLessThan(1e-4);
        expect(
          relErr(`${label} hidden_final`, out.hidden.dataSync(), exp.readF32('hidden_final')),
        ).toBeLessThan(1e-4);
        expect(relErr(`${label} loss`, out.loss.dataSync(), exp.readF32('loss'))).toBeLessThan(
          1e-4,
        );
        tf.dispose([out.hidden, out.logits, out.loss]);

        const grads = openSafetensors(join(qDir, 'grads.safetensors'));
        const before = tf.memory().numTensors;
        const step = trainStep(model, mb);
        expect(step.grads.size).toBe(grads.names().length);
        let worst = 0;
        for (const [key, g] of step.grads) {
          const e = grads.readF32(`base_model.model.${key}`);
          const d = g.dataSync();
          let diff = 0;
          let scale = 0;
          for (let i = 0; i < e.length; i++) {
            diff = Math.max(diff, Math.abs(d[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
          }
          worst = Math.max(worst, diff / scale);
          g.dispose();
        }
        console.log(`${label}: worst gradient relative error ${worst.toExponential(3)}`);
        expect(worst).toBeLessThan(1e-3);
        expect(tf.memory().numTensors).toBe(before);
        grads.close();
        exp.close();
        model.dispose();
      });
    }
  });
}
