/**
 * The kernel conformance suite: every kernel a training step dispatches (see
 * packages/gemma/bench/profile-step.ts), plus those full fine-tuning, QLoRA and AdamW add,
 * each on edge shapes and dtypes. A backend joins by running `runConformance` from its tests.
 */
import type { ConformanceCase } from './case.js';
import { elementwiseCases } from './cases-elementwise.js';
import { gradientCases } from './cases-gradients.js';
import { indexingCases } from './cases-indexing.js';
import { logicCases } from './cases-logic.js';
import { mathCases } from './cases-math.js';
import { movementCases } from './cases-movement.js';

/** All cases, in a stable order; names are unique (a duplicate is an error naming it). */
export function conformanceCases(): ConformanceCase[] {
  const cases = [
    ...elementwiseCases(),
    ...logicCases(),
    ...movementCases(),
    ...indexingCases(),
    ...mathCases(),
    ...gradientCases(),
  ];
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`conformance case name '${c.name}' is used twice`);
    seen.add(c.name);
  }
  return cases;
}
