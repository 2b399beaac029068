import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticArena } from '@gft/arena';
import { predictMemory, type StepMemory } from '@gft/core';
import { modelInventory, preset } from '@gft/gemma';
import { fullFineTune } from '@gft/plugin-full-ft';
import { lora } from '@gft/plugin-lora';
import { qlora } from '@gft/plugin-qlora';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './test-support.js';

const tmp = mkdtempSync(join(tmpdir(), 'gft-main-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
// bench forks the CLI per cell; under vitest process.argv[1] is vitest, so point at the build.
process.env.GFT_CLI_ENTRY = join(cliDir, 'dist', 'bin.js');

/**
 * A user's project with a backend plugin installed that never starts (its device is
 * missing), the way a GPU backend fails on a machine without one.
 */
const project = join(tmp, 'project');
const brokenDir = join(project, 'node_modules', 'gft-backend-broken');
mkdirSync(brokenDir, { recursive: true });
writeFileSync(
  join(project, 'package.json'),
  JSON.stringify({
    name: 'user-project',
    private: true,
    dependencies: { 'gft-backend-broken': '1.0.0' },
  }),
);
writeFileSync(
  join(brokenDir, 'package.json'),
  JSON.stringify({
    name: 'gft-backend-broken',
    version: '1.0.0',
    main: 'index.cjs',
    gft: { plugins: [{ kind: 'backend', name: 'broken', export: 'broken' }] },
  }),
);
writeFileSync(
  join(brokenDir, 'index.cjs'),
  `exports.broken = () => ({
  kind: 'backend',
  name: 'broken',
  tfBackend: 'broken',
  setup: async () => { throw new Error('no broken-accelerator here'); },
});
`,
);

/** Runs `f` with the project as the working directory (bench's cell processes inherit it). */
async function inProject<T>(f: () => Promise<T>): Promise<T> {
  const before = process.cwd();
  process.chdir(project);
  try {
    return await f();
  } finally {
    process.chdir(before);
  }
}

const run = runCli;

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
  it('--version names the CLI and the @gft/core it runs with, from their package.json files', async () => {
    const cliVersion = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8')).version;
    const coreVersion = JSON.parse(
      readFileSync(join(cliDir, 'node_modules', '@gft', 'core', 'package.json'), 'utf8'),
    ).version;
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(
      `gft ${cliVersion} (@gft/core ${coreVersion}, node ${process.version})`,
    );
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
  it('lists every plugin with its package, version and origin, the shipped webgpu backend too', async () => {
    const r = await run(['plugins', '--json']);
    expect(r.code).toBe(0);
    const { plugins } = JSON.parse(r.out) as {
      plugins: { kind: string; name: string; source: string; version?: string; origin: string }[];
    };
    const names = plugins.map((p) => `${p.kind}:${p.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'collator:padding',
        'backend:wasm',
        'backend:webgpu',
        'backend:cpu-native',
        'collator:varlen-packing',
        'adapter:lora',
      ]),
    );
    const webgpuVersion = (
      JSON.parse(
        readFileSync(join(cliDir, 'node_modules', '@gft', 'plugin-webgpu', 'package.json'), 'utf8'),
      ) as { version: string }
    ).version;
    expect(plugins.find((p) => p.name === 'webgpu')).toMatchObject({
      source: '@gft/plugin-webgpu',
      version: webgpuVersion,
      origin: 'shipped',
    });
    expect(plugins.find((p) => p.name === 'padding')).toMatchObject({
      source: 'built-in',
      origin: 'built-in',
    });
    const text = await run(['plugins']);
    expect(text.out).toMatch(
      /backend\s+webgpu\s+@gft\/plugin-webgpu@\S+ \(shipped with @gft\/cli\)/,
    );
    expect(text.out).toMatch(/backend\s+wasm\s+built into @gft\/core/);
  });
  it("lists a plugin installed in the user's project as coming from it", async () => {
    const r = await inProject(() => run(['plugins', '--json']));
    const { plugins } = JSON.parse(r.out) as {
      plugins: { name: string; source: string; version?: string; origin: string }[];
    };
    expect(plugins.find((p) => p.name === 'broken')).toMatchObject({
      source: 'gft-backend-broken',
      version: '1.0.0',
      origin: 'project',
    });
  });
  it('fails with exit code 2 (usage) and the reason for an unknown plugin name', async () => {
    const r = await run(['eval', '--adapter', 'dora', '--preset', 'tiny']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /PLUGIN_UNKNOWN: unknown adapter plugin 'dora'; known adapter plugins: .*lora/,
    );
  });
  it('memory: per technique and checkpointing, the weights of the technique packages plus the step', async () => {
    const r = await run([
      'memory',
      '--preset',
      'gemma2-9b',
      '--r',
      '8',
      '--adapters',
      'full-ft,lora,qlora',
      '--maxTokens',
      '16384',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as {
      tokens: number;
      rows: (StepMemory & { technique: string })[];
    };
    const inv = modelInventory(preset('gemma2-9b'));
    expect(out.tokens).toBe(16384);
    expect(out.rows.map((x) => `${x.technique}/${x.checkpoint}`)).toEqual([
      'full-ft/false',
      'full-ft/true',
      'lora r=8/false',
      'lora r=8/true',
      'qlora r=8/false',
      'qlora r=8/true',
    ]);
    expect(out.rows[2]).toMatchObject(predictMemory(inv, lora({ r: 8 })));
    expect(out.rows[5]).toMatchObject(predictMemory(inv, qlora({ r: 8 })));
    for (const row of out.rows) {
      const backward = row.checkpoint
        ? row.workingBytes + Math.max(row.keptBytes, row.gradientBytes)
        : row.keptBytes + row.gradientBytes;
      const extra = Math.max(backward, row.optimizerPeakBytes);
      expect(row.allocatorBytes).toBeCloseTo((row.totalBytes + extra) / 16, -3);
      expect(row.peakBytes).toBeCloseTo(
        row.totalBytes + extra + row.allocatorBytes + row.runtimeBytes,
        -3,
      );
      // Checkpointing keeps two [N, D] rows per layer (plus the output) instead of every tensor.
      if (row.checkpoint) expect(row.keptBytes).toBe(16384 * 85 * 3584 * 4);
    }
    // The verdict head reads the tied embedding: no score matrix, so full fine-tuning holds
    // (weight + two AdamW moments) x 3 x 3584 float32 values less.
    const verdict = JSON.parse(
      (
        await run([
          'memory',
          '--preset',
          'gemma2-9b',
          '--adapters',
          'full-ft',
          '--head',
          'verdict',
          '--maxTokens',
          '16384',
          '--activationCheckpointing',
          'false',
          '--json',
        ])
      ).out,
    ) as { rows: StepMemory[] };
    expect(verdict.rows[0]).toMatchObject(
      predictMemory(modelInventory(preset('gemma2-9b'), { head: 'verdict' }), fullFineTune()),
    );
    expect(out.rows[0].totalBytes - verdict.rows[0].totalBytes).toBe(3 * 3 * 3584 * 4);
    const text = await run(['memory', '--preset', 'gemma2-9b', '--maxTokens', '16384']);
    console.log(text.out);
    expect(text.out).toMatch(/full-ft\s+no\s+9\.24B\s+0 B\s+34\.4 GiB\s+68\.9 GiB/);
    expect(text.out).toMatch(/lora-bf16 r=16\s+yes\s+54\.03M\s+18\.9 GiB/);
  });
  it('memory --fit: the largest budget under the limit, and nothing for what cannot fit', async () => {
    const r = await run([
      'memory',
      '--preset',
      'gemma2-9b',
      '--fit',
      '--memoryLimit',
      '24GiB',
      '--adapters',
      'full-ft,qlora',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as {
      limitBytes: number;
      fit: { technique: string; checkpoint: boolean; tokens: number; peakBytes: number }[];
    };
    expect(out.limitBytes).toBe(24 * 2 ** 30);
    const [ftPlain, ftCkpt, qPlain, qCkpt] = out.fit;
    expect([ftPlain.tokens, ftCkpt.tokens]).toEqual([0, 0]);
    expect(qCkpt.tokens).toBeGreaterThan(qPlain.tokens);
    for (const f of [qPlain, qCkpt]) expect(f.peakBytes).toBeLessThanOrEqual(out.limitBytes);
    const text = await run(['memory', '--preset', 'gemma2-9b', '--fit', '--memoryLimit', '24GiB']);
    expect(text.out).toMatch(/full-ft\s+yes\s+does not fit/);
    const bad = await run(['memory', '--fit', '--memoryLimit', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--memoryLimit: 'lots' is not a size/);
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
  it('predict writes every row of the data under its arena id', async () => {
    const r = await run([
      'predict',
      '--adapter',
      'lora',
      '--rows',
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
    const synthetic = new Set(syntheticArena(3).map((x) => x.id));
    for (const line of lines.slice(1)) {
      const [id, ...p] = line.split(',');
      expect(synthetic.has(id)).toBe(true);
      expect(p.map(Number).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  }, 120_000);
  it('runs the tiny preset with the bundled tokenizer', async () => {
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
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ rows: 1 });
  }, 60_000);
  it('bench: exit 1 when any cell fails, the report naming it; --allowFailures exits 0', async () => {
    const out = join(tmp, 'bench');
    const bench = (extra: string[]) =>
      inProject(() =>
        run([
          'bench',
          '--preset',
          'tiny',
          '--adapters',
          'lora',
          '--collators',
          'padding',
          '--steps',
          '2',
          '--batchSize',
          '2',
          '--maxSequenceLength',
          '256',
          '--evalRows',
          '1',
          '--numWorkers',
          '0',
          '--out',
          out,
          ...extra,
        ]),
      );
    const mixed = await bench(['--backends', 'wasm,broken']);
    expect(mixed.code).toBe(1);
    expect(mixed.out).toContain('2 cells, 1 failed');
    expect(mixed.err).toContain('1 of 2 cells failed: lora/padding/broken');
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('lora/padding/broken');
    expect(report).toContain('no broken-accelerator here');
    expect(report).toMatch(/\| lora\/padding\/wasm \| \d/);
    // Every cell's head is named (the default: classification).
    expect(report).toContain('head `classification`');

    const allowed = await bench(['--backends', 'broken', '--allowFailures']);
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain('1 cells, 1 failed');
  }, 240_000);
  it('bench: an unknown plugin name fails before any data is read', async () => {
    const r = await run(['bench', '--backends', 'wasm,wgpu', '--out', join(tmp, 'typo')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /PLUGIN_UNKNOWN: unknown backend plugin 'wgpu'; known backend plugins: cpu-native, cuda-native, wasm, webgpu/,
    );
    expect(existsSync(join(tmp, 'typo'))).toBe(false);
  });
});
