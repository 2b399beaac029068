/**
 * @gft/core/testing: helpers shared by the test suites of gft packages and third-party
 * plugins: finding the shared fixtures, the fixtures' packed3 batch, golden comparisons
 * that print their numbers.
 */
export { bitDiffs, maxAbsDiff, relativeMaxError, relErr, within } from './testing/compare.js';
export { packed3Batches } from './testing/packed3.js';
export { findSharedDir, sharedFixturesDir } from './testing/shared-dir.js';
