import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticArena } from '@gft/arena';
import { predictMemory } from '@gft/core';
import { modelInventory, preset } from '@gft/gemma';
import { lora } from '@gft/plugin-lora';
import { qlora } from '@gft/plugin-qlora';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from './main.js';

const tmp = mkdtempSync(join(tmpdir(), 'gft-main-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]) {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += s;
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += s;
    return true;
  });
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('gft', () => {
  it('prints help for every command', async () => {
    for (const cmd of [
      ['bench'],
      ['train'],
      ['eval'],
      ['predict'],
      ['data', 'preview'],
      ['plugins'],
      ['memory'],
    ]) {
      const r = await run([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`gft ${cmd.join(' ')}:`);
    }
    expect((await run(['--help'])).out).toContain('Commands:');
  });
  it('exits 2 on usage and config errors, naming the problem', async () => {
    expect(await run([])).toMatchObject({ code: 2 });
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'frobnicate'");
    const flag = await run(['train', '--nope', '1']);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("'--nope'");
    const bad = await run(['train', '--lr=-1', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.out).error).toMatchObject({ code: 'BAD_CONFIG' });
    expect(JSON.parse(bad.out).error.message).toContain("field 'lr' must be a positive number");
  });
  it('lists discovered plugins of every kind as JSON', async () => {
    const r = await run(['plugins', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { kind: string; name: string; source: string }[];
    const names = list.map((p) => `${p.kind}:${p.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'collator:padding',
        'backend:wasm',
        'collator:varlen-packing',
        'adapter:lora',
      ]),
    );
    expect(list.find((p) => p.name === 'varlen-packing')?.source).toBe(
      '@gft/plugin-varlen-packing',
    );
  });
  it('fails with exit code 1 and the reason for an unknown plugin name', async () => {
    const r = await run(['eval', '--adapter', 'dora', '--preset', 'tiny']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /PLUGIN_UNKNOWN: unknown adapter plugin 'dora'; known adapter plugins: .*lora/,
    );
  });
  it('memory: one row per technique, the predictions of the technique packages', async () => {
    const r = await run(['memory', '--preset', 'gemma2-9b', '--r', '8', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { rows: { technique: string; totalBytes: number }[] };
    const inv = modelInventory(preset('gemma2-9b'));
    expect(out.rows.map((x) => x.technique)).toEqual(['full-ft', 'lora r=8', 'qlora r=8']);
    expect(out.rows[1]).toEqual({ technique: 'lora r=8', ...predictMemory(inv, lora({ r: 8 })) });
    expect(out.rows[2]).toEqual({ technique: 'qlora r=8', ...predictMemory(inv, qlora({ r: 8 })) });
    const text = await run(['memory', '--preset', 'gemma2-9b']);
    console.log(text.out);
    expect(text.out).toMatch(/full-ft\s+9\.24B\s+0 B\s+34\.4 GiB\s+68\.9 GiB\s+103\.3 GiB/);
  });
  it('data preview: the seed lines for every micro-batch, cu_seqlens ending at the row length', async () => {
    const r = await run([
      'data',
      'preview',
      '--collator',
      'varlen-packing',
      '--steps',
      '1',
      '--batchSize',
      '4',
      '--maxTokens',
      '1024',
      '--maxSequenceLength',
      '512',
      '--numWorkers',
      '0',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.out) as {
      batches: {
        rows: number;
        microBatches: {
          inputIdsLen: number;
          cuSeqlens: number[];
          cuSeqlensLen: number;
          inputTextLen: number;
          lastWords: string;
        }[];
      }[];
    };
    expect(p.batches.length).toBe(1);
    expect(p.batches[0].rows).toBe(4);
    let seqs = 0;
    for (const mb of p.batches[0].microBatches) {
      expect(mb.cuSeqlens.at(-1)).toBe(mb.inputIdsLen);
      expect(mb.cuSeqlensLen).toBe(mb.inputTextLen + 1);
      expect(mb.lastWords).toMatch(/verdict is: \[\[$/);
      seqs += mb.inputTextLen;
    }
    expect(seqs).toBe(4);
    const text = await run([
      'data',
      'preview',
      '--steps',
      '1',
      '--batchSize',
      '2',
      '--numWorkers',
      '0',
    ]);
    expect(text.out).toContain('len(input_ids[0]) = ');
    expect(text.out).toContain('input_text[0][-10 words:] = ');
  }, 60_000);
  it('predict writes the validation rows under their arena ids', async () => {
    const r = await run([
      'predict',
      '--adapter',
      'lora',
      '--evalRows',
      '3',
      '--maxSequenceLength',
      '320',
      '--numWorkers',
      '0',
      '--out',
      tmp,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const lines = readFileSync(join(tmp, 'submission.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,winner_model_a,winner_model_b,winner_tie');
    expect(lines.length).toBe(4);
    const synthetic = new Set(syntheticArena(15).map((x) => x.id));
    for (const line of lines.slice(1)) {
      const [id, ...p] = line.split(',');
      expect(synthetic.has(id)).toBe(true);
      expect(p.map(Number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  }, 120_000);
  it('refuses a preset whose vocabulary the tokenizer overflows', async () => {
    const r = await run([
      'eval',
      '--adapter',
      'lora',
      '--preset',
      'tiny',
      '--evalRows',
      '1',
      '--numWorkers',
      '0',
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /outside the model's vocabulary of 512 \(preset tiny, tokenizer gemma2\)/,
    );
  }, 60_000);
});
