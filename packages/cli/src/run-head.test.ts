/**
 * The head from the command line: ids derived from the run's tokenizer, `--verdictTokens`
 * overriding, the conflicts named, and a checkpoint's unused `score.weight` reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verdictTokenIds } from '@gft/arena';
import { goldenFixturesDir } from '@gft/core/testing';
import { gemmaTokenizer } from '@gft/tokenizer-gemma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, loadConfig, type RunConfig } from './config.js';
import { checkOptionRules } from './option-rules.js';
import { cliRegistry } from './registry.js';
import { describeHead, runHead } from './run-head.js';
import { buildModel, pluginSet } from './session.js';
import { captured } from './test-support.js';

const tokenizer = gemmaTokenizer();
const tmp = mkdtempSync(join(tmpdir(), 'gft-head-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await tokenizer.setup?.();
}, 60_000);

const config = (over: Partial<RunConfig>): RunConfig => ({ ...DEFAULT_CONFIG, ...over });

describe('runHead', () => {
  it('classification by default', async () => {
    expect(await runHead(DEFAULT_CONFIG, tokenizer)).toEqual({ kind: 'classification' });
  });

  it("verdict: the tokenizer's ids after `[[` (A = 235280), never the word-initial ▁A = 586", async () => {
    const head = await runHead(config({ head: 'verdict' }), tokenizer);
    expect(head).toEqual({ kind: 'verdict', tokenIds: verdictTokenIds(tokenizer) });
    expect(head.kind === 'verdict' && head.tokenIds[0]).toBe(235280);
    expect(describeHead(head)).toBe('verdict (A 235280, B 235305, C 235288)');
  });

  it('--verdictTokens overrides, and must be 3 integer ids', async () => {
    const given = {
      ...config({ head: 'verdict' }),
      ...loadConfig(undefined, { head: 'verdict', verdictTokens: '65,66,67' }),
    };
    expect(await runHead(given, tokenizer)).toEqual({ kind: 'verdict', tokenIds: [65, 66, 67] });
    expect(() => loadConfig(undefined, { head: 'verdict', verdictTokens: '65,65,67' })).toThrow(
      /field 'verdictTokens' must be 3 different token ids .*got \[65,65,67\]/,
    );
    for (const bad of ['65,66', '65,B,67', '65,-1,67', '65,66.5,67']) {
      expect(() => loadConfig(undefined, { head: 'verdict', verdictTokens: bad })).toThrow(
        /field 'verdictTokens(\.\d)?' must be 3 token ids, integers >= 0/,
      );
    }
  });

  it('--verdictTokens without --head verdict is a conflict naming both', () => {
    expect(() =>
      checkOptionRules(config({ verdictTokens: [65, 66, 67] }), { batches: false }),
    ).toThrow(/--verdictTokens and --head: .*add --head verdict/);
  });

  it('a config file takes "head" and "verdictTokens"; an unknown head names the choices', () => {
    const file = join(tmp, 'run.json');
    writeFileSync(file, JSON.stringify({ head: 'verdict', verdictTokens: [1, 2, 3] }));
    expect(loadConfig(file, {})).toMatchObject({ head: 'verdict', verdictTokens: [1, 2, 3] });
    writeFileSync(file, JSON.stringify({ head: 'lm' }));
    expect(() => loadConfig(file, {})).toThrow(
      /field 'head' must be one of classification, verdict/,
    );
  });
});

describe('buildModel with the verdict head', () => {
  it("reports a checkpoint's score.weight the verdict head leaves unread", async () => {
    const run = config({
      model: join(goldenFixturesDir(), 'tiny-gemma2'),
      tokenizer: 'gemma2',
      head: 'verdict',
      // The fixture's vocabulary has 512 entries: the Gemma-2 letters' ids do not fit.
      verdictTokens: [65, 66, 67],
      backend: 'wasm',
    });
    const set = await pluginSet(run, cliRegistry());
    const { value, err } = await captured(() => buildModel(run, set));
    try {
      expect(value.head).toEqual({ kind: 'verdict', tokenIds: [65, 66, 67] });
      expect(err).toMatch(/warning: .*tiny-gemma2: 'score.weight' is not used by the verdict/);
    } finally {
      value.model.dispose();
    }
  }, 60_000);
});
