/**
 * `--head verdict` end to end: train reports the derived ids and trains, predict writes a
 * submission through the verdict head. (That the verdict logits are the LM head's logits of
 * those ids at the last token is @gft/gemma's checkpoint test, against the golden fixture.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './test-support.js';

const tmp = mkdtempSync(join(tmpdir(), 'gft-head-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const small = ['--preset', 'tiny', '--maxSequenceLength', '256', '--numWorkers', '0', '--json'];

describe('gft --head verdict', () => {
  it('train: the run records the head with ids derived from the tokenizer, and the loss is finite', async () => {
    const r = await runCli([
      'train',
      '--head',
      'verdict',
      '--adapter',
      'lora',
      '--steps',
      '2',
      '--batchSize',
      '2',
      '--evalRows',
      '1',
      ...small,
    ]);
    expect(r.code, r.err).toBe(0);
    const events = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; config?: { head?: string }; loss?: number });
    const start = events.find((e) => e.type === 'run-start');
    expect(start?.config?.head).toBe('verdict (A 235280, B 235305, C 235288)');
    const steps = events.filter((e) => e.type === 'step');
    expect(steps.length).toBe(2);
    for (const s of steps) expect(Number.isFinite(s.loss)).toBe(true);
  }, 180_000);

  it('predict: writes a submission through the verdict head', async () => {
    const r = await runCli([
      'predict',
      '--head',
      'verdict',
      '--adapter',
      'lora',
      '--rows',
      '3',
      '--out',
      tmp,
      ...small,
    ]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      rows: 3,
      head: 'verdict (A 235280, B 235305, C 235288)',
    });
    const lines = readFileSync(join(tmp, 'submission.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,winner_model_a,winner_model_b,winner_tie');
    expect(lines.length).toBe(4);
    for (const line of lines.slice(1)) {
      const p = line.split(',').slice(1).map(Number);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  }, 180_000);

  it('--verdictTokens without --head verdict exits 2 naming both', async () => {
    const r = await runCli(['train', '--verdictTokens', '1,2,3', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).error.message).toContain('--verdictTokens and --head');
  });
});
