/**
 * The head a run trains and predicts with, from `--head` and `--verdictTokens`: the
 * classification head, or the verdict head with ids derived from the run's tokenizer (the
 * letters as they follow the judge prompt's `[[`) unless `--verdictTokens` gives them.
 */
import { verdictTokenIds } from '@gft/arena';
import { GftError, type Tokenizer } from '@gft/core';
import type { HeadSpec } from '@gft/gemma';
import type { RunConfig } from './config.js';

/** `--verdictTokens 235280,235305,235288` -> three ids, or an error naming the field. */
function parseVerdictTokens(given: readonly string[]): [number, number, number] {
  const ids = given.map(Number);
  if (ids.length !== 3 || ids.some((id) => !Number.isInteger(id) || id < 0)) {
    throw new GftError(
      'BAD_CONFIG',
      `field 'verdictTokens' must be 3 token ids (A wins, B wins, tie), e.g. 235280,235305,235288; got ${JSON.stringify(given)}`,
      { where: 'verdictTokens' },
    );
  }
  return [ids[0], ids[1], ids[2]];
}

export async function runHead(config: RunConfig, tokenizer: Tokenizer): Promise<HeadSpec> {
  if (config.head !== 'verdict') return { kind: 'classification' };
  if (config.verdictTokens)
    return { kind: 'verdict', tokenIds: parseVerdictTokens(config.verdictTokens) };
  await tokenizer.setup?.();
  return { kind: 'verdict', tokenIds: verdictTokenIds(tokenizer) };
}

/** For logs and reports: `classification`, or `verdict (A 235280, B 235305, C 235288)`. */
export function describeHead(head: HeadSpec): string {
  if (head.kind === 'classification') return 'classification';
  const [a, b, c] = head.tokenIds;
  return `verdict (A ${a}, B ${b}, C ${c})`;
}
