/**
 * Options that are each valid but impossible together. config.ts checks one field at a
 * time; these rules name both fields, so `--maxTokens 10` is refused instead of quietly
 * producing micro-batches far over the budget.
 */
import { GftError } from '@gft/core';
import type { RunConfig } from './config.js';

export interface OptionContext {
  /** Whether the command reads rows into micro-batches (train, bench, eval, predict, data preview). */
  batches: boolean;
  /** `gft train --resume`. */
  resume?: boolean;
}

function conflict(fields: [string, string], message: string): GftError {
  return new GftError('BAD_CONFIG', `--${fields[0]} and --${fields[1]}: ${message}`, {
    where: fields.join(', '),
  });
}

export function checkOptionRules(config: RunConfig, context: OptionContext): void {
  if (context.batches && config.maxTokens < config.maxSequenceLength) {
    throw conflict(
      ['maxTokens', 'maxSequenceLength'],
      `the micro-batch token budget (${config.maxTokens}) is smaller than one truncated sequence (${config.maxSequenceLength} tokens), ` +
        `so a long row could never fit; raise --maxTokens to at least ${config.maxSequenceLength} or lower --maxSequenceLength`,
    );
  }
  if (context.batches && config.fold >= config.folds) {
    throw conflict(
      ['fold', 'folds'],
      `fold ${config.fold} does not exist in a ${config.folds}-fold split (folds are 0..${config.folds - 1})`,
    );
  }
  if (context.resume && !config.checkpointDir) {
    throw conflict(
      ['resume', 'checkpointDir'],
      '--resume continues from the checkpoints in --checkpointDir; give --checkpointDir',
    );
  }
  if (config.verdictTokens && config.head !== 'verdict') {
    throw conflict(
      ['verdictTokens', 'head'],
      `token ids are for the verdict head, but the head is '${config.head}'; add --head verdict or drop --verdictTokens`,
    );
  }
  if (config.checkpointEvery > 0 && !config.checkpointDir) {
    throw conflict(
      ['checkpointEvery', 'checkpointDir'],
      `checkpoints every ${config.checkpointEvery} steps need a directory; give --checkpointDir`,
    );
  }
}
