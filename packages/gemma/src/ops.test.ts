/**
 * Function-level golden values (fixtures ops/) on the cpu backend: tanh-GELU, RoPE tables,
 * RMSNorm (golden-suites.ts, shared with the other backends).
 */
import { CPU_BACKEND, opsGoldenSuite } from './golden-suites.js';

opsGoldenSuite(CPU_BACKEND);
