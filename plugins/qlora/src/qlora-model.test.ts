/**
 * QLoRA on tiny-gemma2 against the fixtures, on cpu and wasm (golden-suites.ts, shared with the
 * other backends): the bitsandbytes 4-bit checkpoint (base-bnb-nf4) and quantise-on-load from
 * the F32 checkpoint both give the expected base and adapter logits, loss and gradients;
 * frozen projection bytes are at most 0.13 of float32; the bnb_linear unit file loads and
 * dequantises bit-exactly, in JavaScript and on the backend.
 */
import { wasmBackend } from '@gft/core';
import { CPU_BACKEND, qloraGoldenSuite } from './golden-suites.js';

qloraGoldenSuite(CPU_BACKEND);
// wasm too: its stock int32 FloorDiv/Mod ran in float32 and corrupted the unpacked codes.
qloraGoldenSuite({ name: 'wasm', setup: () => wasmBackend().setup() });
