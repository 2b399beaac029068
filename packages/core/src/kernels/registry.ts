/**
 * The fused-kernel registry: which implementation of a gft kernel runs on which backend.
 *
 * Dispatch for kernel K on the current tfjs backend B, first match wins:
 * 1. a gft registration for (K, B) made with `registerFusedKernel` (a backend plugin's file);
 * 2. a tfjs kernel registered under K for B (`tf.registerKernel`, with `tf.registerGradient`
 *    for its backward), run through `tf.engine().runKernel` — for native backends that
 *    implement K at the tfjs level;
 * 3. the generic implementation for K (backendName `'*'`): core's, made of tfjs ops, or for
 *    NF4 matmul the one the QLoRA plugin registers.
 * Adding a backend is adding a file that calls `registerFusedKernel`; the model never
 * changes. Registering the same (K, B) twice is an error naming both registrations.
 */
import { GftError, listChoices } from '../errors/gft-error.js';
import { tf } from '../tf.js';
import { geluGateGeneric } from './generic/gelu-gate.js';
import { rmsNormGeneric } from './generic/rms-norm.js';
import { varlenAttentionGeneric } from './generic/varlen-attention.js';
import {
  FUSED_KERNEL_NAMES,
  type FusedKernelAttrs,
  type FusedKernelInputs,
  type FusedKernelName,
  GELU_GATE,
  RMS_NORM,
  VARLEN_ATTENTION,
} from './kernel-names.js';

/** The backend name that registers a kernel's generic (any-backend) implementation. */
export const ANY_BACKEND = '*';

export interface FusedKernelConfig<K extends FusedKernelName = FusedKernelName> {
  kernelName: K;
  /** tfjs backend name (`wasm`, `webgpu`, ...) or `'*'` for the generic implementation. */
  backendName: string;
  /** Who registers it (package or file), named in duplicate-registration errors. */
  source: string;
  /**
   * Computes the kernel from tensors and attrs. Must be differentiable with respect to its
   * tensor inputs (use `tf.customGrad` and keep only the inputs for backward), or the
   * technique must not need its gradient.
   */
  kernelFunc(inputs: FusedKernelInputs[K], attrs: FusedKernelAttrs[K]): tf.Tensor;
}

const CORE_GENERIC = '@gft/core generic (kernels/generic)';

type AnyConfig = FusedKernelConfig<FusedKernelName>;

/**
 * The table lives on the global object, like tfjs's engine: a process that loads both the
 * ESM and the CommonJS build of @gft/core (a dual-package plugin resolved through `require`)
 * must still have one table, or a backend's kernels register where the model never looks.
 */
const TABLE = Symbol.for('@gft/core fused kernels');
const holder = globalThis as { [TABLE]?: Map<string, AnyConfig> };

function key(kernelName: string, backendName: string): string {
  return `${kernelName}@${backendName}`;
}

function registry(): Map<string, AnyConfig> {
  let table = holder[TABLE];
  if (!table) {
    table = new Map();
    holder[TABLE] = table;
    const generics: AnyConfig[] = [
      { kernelName: VARLEN_ATTENTION, kernelFunc: varlenAttentionGeneric } as unknown as AnyConfig,
      { kernelName: RMS_NORM, kernelFunc: rmsNormGeneric } as unknown as AnyConfig,
      { kernelName: GELU_GATE, kernelFunc: geluGateGeneric } as unknown as AnyConfig,
    ];
    for (const g of generics) {
      table.set(key(g.kernelName, ANY_BACKEND), {
        ...g,
        backendName: ANY_BACKEND,
        source: CORE_GENERIC,
      });
    }
  }
  return table;
}

/**
 * Registers an implementation of a gft kernel for one backend (or `'*'`). Returns a function
 * that unregisters it. Throws KERNEL_DUPLICATE naming both sources if (kernel, backend) is taken.
 */
export function registerFusedKernel<K extends FusedKernelName>(
  config: FusedKernelConfig<K>,
): () => void {
  if (!(FUSED_KERNEL_NAMES as readonly string[]).includes(config.kernelName)) {
    throw new GftError(
      'KERNEL_UNKNOWN',
      `'${config.source}' registers unknown fused kernel '${config.kernelName}' (known: ${listChoices(FUSED_KERNEL_NAMES)})`,
      { where: config.source },
    );
  }
  const k = key(config.kernelName, config.backendName);
  const existing = registry().get(k);
  if (existing) {
    throw new GftError(
      'KERNEL_DUPLICATE',
      `fused kernel '${config.kernelName}' for backend '${config.backendName}' is registered twice: first by '${existing.source}', again by '${config.source}'`,
      { where: config.source },
    );
  }
  const stored = config as unknown as AnyConfig;
  registry().set(k, stored);
  return () => {
    if (registry().get(k) === stored) registry().delete(k);
  };
}

/** Which implementation `runFusedKernel` would use for a kernel on a backend. */
export function resolveFusedKernel(
  kernelName: FusedKernelName,
  backendName: string = tf.getBackend(),
): { via: 'gft' | 'tfjs' | 'generic'; source: string } | undefined {
  const own = registry().get(key(kernelName, backendName));
  if (own) return { via: 'gft', source: own.source };
  if (tf.getKernel(kernelName, backendName)) return { via: 'tfjs', source: `tfjs kernel registry` };
  const generic = registry().get(key(kernelName, ANY_BACKEND));
  return generic ? { via: 'generic', source: generic.source } : undefined;
}

/** Every registration, for reports and `Backend.fusedKernels` checks. */
export function listFusedKernels(): Array<{
  kernelName: string;
  backendName: string;
  source: string;
}> {
  return [...registry().values()].map(({ kernelName, backendName, source }) => ({
    kernelName,
    backendName,
    source,
  }));
}

/** Runs a gft kernel on the current backend (see the dispatch order above). */
export function runFusedKernel<K extends FusedKernelName>(
  kernelName: K,
  inputs: FusedKernelInputs[K],
  attrs: FusedKernelAttrs[K],
): tf.Tensor {
  const backendName = tf.getBackend();
  const own = registry().get(key(kernelName, backendName));
  if (own) return own.kernelFunc(inputs as never, attrs as never);
  if (tf.getKernel(kernelName, backendName)) {
    return tf
      .engine()
      .runKernel(
        kernelName,
        inputs as unknown as tf.NamedTensorMap,
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
  }
  const generic = registry().get(key(kernelName, ANY_BACKEND));
  if (generic) return generic.kernelFunc(inputs as never, attrs as never);
  const have = listFusedKernels()
    .filter((r) => r.kernelName === kernelName)
    .map((r) => r.backendName);
  throw new GftError(
    'KERNEL_UNKNOWN',
    `fused kernel '${kernelName}' has no implementation for backend '${backendName}' and no generic one (registered for: ${listChoices(have)})`,
  );
}
