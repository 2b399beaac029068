/**
 * @gft/core/testing: helpers shared by the test suites of gft packages and third-party
 * plugins: finding the golden fixtures (in the repository) and the shared arena rows
 * (beside it), the fixtures' packed3 batch, golden comparisons that print their numbers,
 * the requirements a test may need from the machine (skipped, or failed where
 * GFT_REQUIRE declares them), the kernel conformance suite every backend runs, and the
 * invariant every reader keeps under fuzzing (a value or a GftError with `where`).
 */
export { bitDiffs, maxAbsDiff, relativeMaxError, relErr, within } from './testing/compare.js';
export {
  ACCUMULATED,
  type ConformanceCase,
  type ConformanceOutput,
  type ConformanceResult,
  type ConformanceVerdict,
  checkConformance,
  compareOutputs,
  conformanceCases,
  EXACT,
  FLOAT,
  formatConformanceResult,
  runConformance,
  summarizeConformance,
  type Tolerance,
  TRANSCENDENTAL,
} from './testing/conformance/index.js';
export {
  GOLDEN_MANIFEST,
  goldenFixturesDir,
  sharedFixturesDir,
} from './testing/golden-fixtures.js';
export { declaredRequirements, type Need, needs } from './testing/needs.js';
export { packed3Batches } from './testing/packed3.js';
export { expectValueOrGftError, type ReaderOutcome } from './testing/reader-invariant.js';
export {
  REQUIREMENT_NAMES,
  REQUIREMENTS,
  type Requirement,
  type RequirementName,
} from './testing/requirements.js';
export { arenaDataDir, findSharedDir } from './testing/shared-dir.js';
export { chromiumPath, SWIFTSHADER_DRIVER, SWIFTSHADER_ICD } from './testing/system-paths.js';
