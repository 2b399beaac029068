/**
 * QLoRA on tiny-gemma2 against the fixtures: the bitsandbytes 4-bit checkpoint
 * (base-bnb-nf4) and quantise-on-load from the F32 checkpoint both give the expected
 * base and adapter logits, loss and gradients; frozen projection bytes are at most 0.13
 * of float32; the bnb_linear unit file loads and dequantises bit-exactly.
 */
import { join } from 'node:path';
import { tf, type WeightSource, wasmBackend } from '@gft/core';
import { loadGemma, trainStep } from '@gft/gemma';
import { loraOptionsFromPeft } from '@gft/plugin-lora';
import { openSafetensors } from '@gft/safetensors';
import { beforeAll, describe, expect, it } from 'vitest';
import { nf4FromBnb } from './bnb-layout.js';
import { dequantizeNf4Weight } from './nf4-weight.js';
import { qlora } from './qlora.js';
import { bitDiffs, FIXTURES, packed3, relErr } from './test-support.js';

// wasm too: its stock int32 FloorDiv/Mod ran in float32 and corrupted the unpacked codes.
for (const backend of ['cpu', 'wasm'] as const)
  describe(`qlora on tiny-gemma2 on ${backend}`, () => {
    beforeAll(async () => {
      if (backend === 'wasm') await wasmBackend().setup();
      else await tf.setBackend('cpu');
    });
    const loraDir = join(FIXTURES, 'tiny-gemma2-lora');
    const qDir = join(FIXTURES, 'tiny-gemma2-qlora');

    it('bnb_linear.safetensors loads and dequantises to case_a bit-exactly', () => {
      const r = openSafetensors(join(FIXTURES, 'nf4', 'bnb_linear.safetensors'));
      const companions: Record<
        string,
        { dtype: string; shape: number[]; read(): ArrayBufferView }
      > = {};
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
      const src: WeightSource = {
        name: 'linear.weight',
        shape: [128, 96],
        companions,
        stored: {
          dtype: info.dtype,
          shape: info.shape,
          read: () => r.readBytes('linear.weight'),
        },
      };
      const w = nf4FromBnb(src);
      const a = openSafetensors(join(FIXTURES, 'nf4', 'case_a.safetensors'));
      expect(bitDiffs(dequantizeNf4Weight(w), a.readF32('dequant_dq'))).toBe(0);
      a.close();
      r.close();
    });

    for (const source of ['base-bnb-nf4', 'quantised on load'] as const) {
      it(`${source}: base and adapter logits, loss, gradients; frozen bytes`, async () => {
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
            `${source} base.cls_logits`,
            base.logits.dataSync(),
            exp.readF32('base.cls_logits'),
          ),
        ).toBeLessThan(1e-4);
        expect(
          relErr(`${source} base.loss`, base.loss.dataSync(), exp.readF32('base.loss')),
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
          `${source}: frozen projection bytes ${frozen} / float32 ${f32} = ${(frozen / f32).toFixed(4)}`,
        );
        expect(frozen / f32).toBeLessThanOrEqual(0.13);

        await adapter.load!(loraDir, model.adapterState());
        const out = model.forward(mb);
        expect(
          relErr(`${source} cls_logits`, out.logits.dataSync(), exp.readF32('cls_logits')),
        ).toBeLessThan(1e-4);
        expect(
          relErr(`${source} hidden_final`, out.hidden.dataSync(), exp.readF32('hidden_final')),
        ).toBeLessThan(1e-4);
        expect(relErr(`${source} loss`, out.loss.dataSync(), exp.readF32('loss'))).toBeLessThan(
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
        console.log(`${source}: worst gradient relative error ${worst.toExponential(3)}`);
        expect(worst).toBeLessThan(1e-3);
        expect(tf.memory().numTensors).toBe(before);
        grads.close();
        exp.close();
        model.dispose();
      });
    }
  });
