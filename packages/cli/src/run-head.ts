/**
 * The head a run trains and predicts with, from `--head` and `--verdictTokens`: the
 * classification head, or the verdict head with ids derived from the run's tokenizer (the
 * letters as they follow the judge prompt's `[[`) unless `--verdictTokens` gives them.
 */
import { verdictTokenIds } from '@gft/arena';
import type { Tokenizer } from '@gft/core';
import type { HeadSpec } from '@gft/gemma';
import type { RunConfig } from './config.js';

export async function runHead(config: RunConfig, tokenizer: Tokenizer): Promise<HeadSpec> {
  if (config.head !== 'verdict') return { kind: 'classification' };
  if (config.verdictTokens) {
    // The schema has checked them: three integer ids.
    const [a, b, c] = config.verdictTokens;
    return { kind: 'verdict', tokenIds: [a, b, c] };
  }
  await tokenizer.setup?.();
  return { kind: 'verdict', tokenIds: verdictTokenIds(tokenizer) };
}

/** For logs and reports: `classification`, or `verdict (A 235280, B 235305, C 235288)`. */
export function describeHead(head: HeadSpec): string {
  if (head.kind === 'classification') return 'classification';
  const [a, b, c] = head.tokenIds;
  return `verdict (A ${a}, B ${b}, C ${c})`;
}
