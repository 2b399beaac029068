/**
 * The runner suite of cpu-native (train with AdamW, clipping and the schedule, evaluate with
 * swap averaging, every technique, matching tfjs-cpu, nothing falling back, no tensor growth)
 * on cuda-native, strict. Runs on a GPU, and in CI on the SIMT emulator.
 */
import { runnerSuite } from '../../cpu-native/src/runner-suite.js';
import { cudaNative } from './index.js';
import { CUDA_BACKEND, gpu } from './test-support.js';

runnerSuite({ name: CUDA_BACKEND.name, setup: () => cudaNative({ strict: true }).setup() }, gpu);
