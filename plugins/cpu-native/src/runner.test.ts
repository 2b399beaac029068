/** The runner suite (runner-suite.ts) on cpu-native. */
import { runnerSuite } from './runner-suite.js';
import { native, STRICT_NATIVE } from './test-support.js';

runnerSuite(STRICT_NATIVE, native);
