/**
 * @gft/core/testing: helpers shared by the test suites of gft packages and third-party
 * plugins (golden-fixture comparison, leak checks, conformance suites).
 */
export { maxAbsDiff, relativeMaxError } from './testing/compare.js';
