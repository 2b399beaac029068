/**
 * What a careful user's mistakes get from the CLI: the exit-code table, errors that name the
 * file / row / option, complete submissions or none, and labels required where they are used.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arenaRowsToCsv, recordToArenaRow, syntheticArena } from '@gft/arena';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from './exit-codes.js';
import { reportFailure } from './main.js';
import { captured, runCli } from './test-support.js';

const tmp = mkdtempSync(join(tmpdir(), 'gft-reliability-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = runCli;

const jsonError = (out: string) =>
  (
    JSON.parse(out.trim().split('\n').at(-1)!) as {
      error: { code: string; message: string; where: string };
    }
  ).error;

/** Quick runs: tiny model, short rows, tokenized inline. */
const QUICK = [
  '--preset',
  'tiny',
  '--adapter',
  'lora',
  '--maxSequenceLength',
  '256',
  '--maxTokens',
  '512',
  '--numWorkers',
  '0',
];

const records = syntheticArena(12, { seed: 3 });
const labelledCsv = join(tmp, 'train.csv');
writeFileSync(labelledCsv, arenaRowsToCsv(records.map(recordToArenaRow)));
const testCsv = join(tmp, 'test.csv');
writeFileSync(
  testCsv,
  arenaRowsToCsv(records.map(({ label: _label, ...r }) => recordToArenaRow(r))),
);

describe('exit codes and error shapes', () => {
  it('usage and config errors exit 2: unknown plugin and unknown preset alike', async () => {
    const plugin = await run(['eval', '--adapter', 'dora', '--preset', 'tiny', '--json']);
    expect(plugin.code).toBe(EXIT.usage);
    expect(jsonError(plugin.out)).toMatchObject({ code: 'PLUGIN_UNKNOWN' });
    const preset = await run(['eval', '--preset', 'gemma9', '--json']);
    expect(preset.code).toBe(EXIT.usage);
    expect(jsonError(preset.out)).toMatchObject({ code: 'BAD_CONFIG', where: 'preset' });
  });
  it('--json errors carry code, message and where', async () => {
    const r = await run(['train', '--lr=-1', '--json']);
    expect(r.code).toBe(EXIT.usage);
    expect(jsonError(r.out)).toEqual({
      code: 'BAD_CONFIG',
      message: expect.stringContaining("field 'lr' must be a positive number"),
      where: 'lr',
    });
  });
  it('anything that is not a GftError is a bug: exit 70, INTERNAL, never 1 or 7', async () => {
    const { value, out } = await captured(() =>
      reportFailure('train', new TypeError('x is undefined'), true),
    );
    expect(value).toBe(EXIT.internal);
    expect(jsonError(out)).toEqual({ code: 'INTERNAL', message: 'x is undefined', where: 'train' });
  });
  it('prints the exit-code table in --help', async () => {
    const r = await run(['--help']);
    expect(r.out).toMatch(/Exit codes:\n\s+0\s+success/);
    expect(r.out).toMatch(/70\s+internal error/);
  });
  it('a data path that does not exist, or is a directory, is an input error naming it', async () => {
    const dir = join(tmp, 'folder.csv');
    mkdirSync(dir, { recursive: true });
    for (const path of [join(tmp, 'nope.csv'), join(tmp, 'nope.jsonl'), dir]) {
      const r = await run(['eval', ...QUICK, '--data', path, '--json']);
      expect(r.code, r.out).toBe(EXIT.input);
      const error = jsonError(r.out);
      expect(error.code).toBe('BAD_INPUT');
      expect(error.where).toContain(path);
    }
  });
});

describe('option sanity', () => {
  it('a token budget smaller than one truncated sequence names both options', async () => {
    const r = await run(['train', '--maxTokens', '10', '--maxSequenceLength', '4096', '--json']);
    expect(r.code).toBe(EXIT.usage);
    const error = jsonError(r.out);
    expect(error.where).toBe('maxTokens, maxSequenceLength');
    expect(error.message).toMatch(/--maxTokens and --maxSequenceLength: .*\(10\).*\(4096 tokens\)/);
  });
  it('--resume needs --checkpointDir', async () => {
    const r = await run(['train', '--resume', '--json']);
    expect(r.code).toBe(EXIT.usage);
    expect(jsonError(r.out).where).toBe('resume, checkpointDir');
  });
});

describe('labels are a property of the file', () => {
  it('train and eval refuse an unlabelled file, naming it; predict takes it', async () => {
    for (const command of ['train', 'eval']) {
      const r = await run([command, ...QUICK, '--steps', '1', '--data', testCsv, '--json']);
      expect(r.code, `${command}: ${r.out}`).toBe(EXIT.input);
      const error = jsonError(r.out);
      expect(error.code).toBe('BAD_INPUT');
      expect(error.where).toContain(testCsv);
      expect(error.message).toMatch(/label/);
    }
  }, 120_000);
  it('data preview needs no labels: an unlabelled test file shows its micro-batches', async () => {
    const r = await run([
      'data',
      'preview',
      ...QUICK,
      '--steps',
      '1',
      '--batchSize',
      '2',
      '--data',
      testCsv,
      '--json',
    ]);
    expect(r.code, r.out).toBe(EXIT.ok);
    expect((JSON.parse(r.out) as { batches: unknown[] }).batches.length).toBe(1);
  }, 60_000);
  it('a JSONL file whose first row has no label is not silently unlabelled for training', async () => {
    const file = join(tmp, 'mixed.jsonl');
    const rows = records.map((r, i) => {
      const row: Record<string, unknown> = {
        id: r.id,
        prompt: JSON.stringify(r.prompt),
        response_a: JSON.stringify(r.responseA),
        response_b: JSON.stringify(r.responseB),
      };
      if (i > 0) [row.winner_model_a, row.winner_model_b, row.winner_tie] = Array.from(r.label!);
      return JSON.stringify(row);
    });
    writeFileSync(file, `${rows.join('\n')}\n`);
    const r = await run(['train', ...QUICK, '--steps', '1', '--data', file, '--json']);
    expect(r.code).toBe(EXIT.input);
    expect(jsonError(r.out).where).toMatch(/mixed\.jsonl: row 1/);
  }, 120_000);
});

describe('predict writes every id or fails', () => {
  it('predicts every row of the file by default (no eval row cap)', async () => {
    const out = join(tmp, 'all');
    const r = await run(['predict', ...QUICK, '--data', testCsv, '--out', out, '--json']);
    expect(r.code, r.err).toBe(EXIT.ok);
    const lines = readFileSync(join(out, 'submission.csv'), 'utf8').trim().split('\n');
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(records.map((x) => x.id).sort());
  }, 120_000);
  it('fails, naming every unreadable row, instead of writing a submission without them', async () => {
    const text = readFileSync(testCsv, 'utf8').split('\n');
    // Row 3's prompt is no longer a JSON list; row 5 loses a column.
    text[3] = text[3].replace(/"\[/, '"(');
    text[5] = text[5].split(',').slice(0, 2).join(',');
    const broken = join(tmp, 'broken.csv');
    writeFileSync(broken, text.join('\n'));
    const out = join(tmp, 'broken-out');
    const r = await run(['predict', ...QUICK, '--data', broken, '--out', out, '--json']);
    expect(r.code).toBe(EXIT.input);
    const error = jsonError(r.out);
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toMatch(/2 row\(s\) cannot be read/);
    expect(error.message).toContain('row 3');
    expect(error.message).toContain('row 5');
    expect(() => readFileSync(join(out, 'submission.csv'))).toThrow();
  }, 120_000);
});
