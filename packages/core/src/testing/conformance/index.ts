/** The kernel conformance suite and its runner (see suite.ts and run.ts). */
export {
  ACCUMULATED,
  type ConformanceCase,
  EXACT,
  FLOAT,
  type Tolerance,
  TRANSCENDENTAL,
} from './case.js';
export {
  type ConformanceOutput,
  type ConformanceResult,
  type ConformanceVerdict,
  checkConformance,
  compareOutputs,
  formatConformanceResult,
  runConformance,
  summarizeConformance,
} from './run.js';
export { conformanceCases } from './suite.js';
