/**
 * Golden tests against the repository's fixtures/ on the cpu backend: hidden states, LM logits,
 * classification logits and loss for every model fixture (f32, bf16, sharded, variants),
 * packed vs padded, and intermediates of tiny-gemma2 (golden-suites.ts, shared with the other
 * backends).
 */
import { CPU_BACKEND, goldenForwardSuite } from './golden-suites.js';

goldenForwardSuite(CPU_BACKEND);
