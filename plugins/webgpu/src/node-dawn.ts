/**
 * WebGPU in Node through Dawn (the `webgpu` npm package, a peer dependency).
 *
 * Looks for an adapter with the Vulkan drivers the machine has first, so a real GPU wins
 * whenever there is one; only when that finds nothing, and VK_ICD_FILENAMES was not set
 * by the user, does it point the Vulkan loader at SwiftShader's ICD (a CPU Vulkan driver
 * that Debian's chromium package ships) and ask again. Every attempt is recorded for the
 * error message. Not used in browsers: `webgpu` and Node built-ins are reached only
 * through variable specifiers / `process.getBuiltinModule`, so bundlers leave them out.
 */
import type { AdapterAttempt } from './adapter-attempts.js';
import { describeAdapterInfo } from './adapter-attempts.js';
import type { GpuAdapterLike, GpuLike } from './gpu-types.js';

/** Where Debian / Ubuntu chromium packages put SwiftShader's Vulkan ICD manifest. */
export const SWIFTSHADER_ICD_CANDIDATES: readonly string[] = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
];

/** Directories where a Vulkan loader (libvulkan.so.1) usually lives on Linux. */
const SYSTEM_LIB_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
];

export interface DawnSearchOptions {
  powerPreference: 'high-performance' | 'low-power';
  /** SwiftShader ICD to fall back to: a path, `false` for none, undefined to search the candidates. */
  fallbackIcd: string | false | undefined;
  /** Flags for Dawn's `create()` (e.g. `backend=vulkan`). */
  dawnFlags: readonly string[];
}

export interface DawnResult {
  adapter: GpuAdapterLike | null;
  /** The Dawn instance the adapter came from (kept alive with it). */
  gpu?: GpuLike;
  /** What to tell the user when `adapter` is null. */
  hints: string[];
}

interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

type FsModule = { existsSync(path: string): boolean };

/** True when running under Node (and not in a browser with a `process` shim). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

function nodeFs(): FsModule {
  const getBuiltin = (process as unknown as { getBuiltinModule(id: string): unknown })
    .getBuiltinModule;
  return getBuiltin('node:fs') as FsModule;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

/**
 * The `webgpu` package's constructors and enums (GPUBufferUsage, GPUMapMode, ...) as
 * globals, which tfjs-backend-webgpu reads; existing globals are left alone.
 */
function installGlobals(globals: Record<string, unknown>): void {
  const g = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(globals)) {
    if (g[name] === undefined) g[name] = value;
  }
}

async function ask(
  dawn: DawnModule,
  options: DawnSearchOptions,
  source: string,
  attempts: AdapterAttempt[],
): Promise<{ gpu: GpuLike; adapter: GpuAdapterLike } | null> {
  try {
    const gpu = dawn.create([...options.dawnFlags]);
    const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
    attempts.push({
      source,
      ok: adapter !== null,
      outcome:
        adapter === null
          ? 'requestAdapter() returned null'
          : describeAdapterInfo(adapter.info ?? {}),
    });
    return adapter === null ? null : { gpu, adapter };
  } catch (e) {
    attempts.push({ source, ok: false, outcome: `failed: ${errorText(e)}` });
    return null;
  }
}

/** The directory of a libvulkan.so.1 the dynamic loader would find, if any (Linux only). */
function findVulkanLoader(fs: FsModule): string | undefined {
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d);
  return [...fromEnv, ...SYSTEM_LIB_DIRS].find((dir) => fs.existsSync(`${dir}/libvulkan.so.1`));
}

/** Looks for a Dawn adapter: system drivers first, then SwiftShader. Records every attempt. */
export async function searchDawnAdapter(
  options: DawnSearchOptions,
  attempts: AdapterAttempt[],
): Promise<DawnResult> {
  const hints: string[] = [];
  let dawn: DawnModule;
  try {
    const specifier = 'webgpu';
    dawn = (await import(/* @vite-ignore */ specifier)) as DawnModule;
  } catch (e) {
    attempts.push({
      source: "dawn (npm 'webgpu')",
      ok: false,
      outcome: `cannot import: ${errorText(e)}`,
    });
    hints.push("install the peer dependency for Node: 'npm i webgpu@0.6.2'");
    return { adapter: null, hints };
  }
  installGlobals(dawn.globals);

  const userIcd = process.env.VK_ICD_FILENAMES;
  const first = userIcd
    ? `dawn, VK_ICD_FILENAMES=${userIcd} (set by the caller)`
    : 'dawn, system Vulkan drivers';
  const found = await ask(dawn, options, first, attempts);
  if (found !== null) return { ...found, hints };

  const fs = nodeFs();
  if (!userIcd && options.fallbackIcd !== false) {
    const candidates = options.fallbackIcd ? [options.fallbackIcd] : SWIFTSHADER_ICD_CANDIDATES;
    const icd = candidates.find((path) => fs.existsSync(path));
    if (icd === undefined) {
      attempts.push({
        source: 'dawn, SwiftShader',
        ok: false,
        outcome: `no ICD manifest at ${candidates.join(', ')}`,
      });
      hints.push(
        "for a CPU fallback install a package that ships SwiftShader's Vulkan ICD (Debian: 'chromium'), or pass fallbackIcd",
      );
    } else {
      // The Vulkan loader reads this when Dawn creates its next Vulkan instance.
      process.env.VK_ICD_FILENAMES = icd;
      const fallback = await ask(
        dawn,
        options,
        `dawn, SwiftShader (VK_ICD_FILENAMES=${icd})`,
        attempts,
      );
      if (fallback !== null) return { ...fallback, hints };
    }
  }

  if (process.platform === 'linux' && findVulkanLoader(fs) === undefined) {
    const shipped = ['/usr/lib/chromium', '/usr/lib/chromium-browser'].find((d) =>
      fs.existsSync(`${d}/libvulkan.so.1`),
    );
    hints.push(
      `Dawn needs the Vulkan loader libvulkan.so.1, which is on neither LD_LIBRARY_PATH nor ${SYSTEM_LIB_DIRS.join(', ')}: ` +
        `install it (Debian: 'apt-get install libvulkan1')${
          shipped ? `, or start node with LD_LIBRARY_PATH=${shipped} (a copy ships there)` : ''
        }`,
    );
  }
  if (userIcd)
    hints.push(`VK_ICD_FILENAMES=${userIcd} was set by the caller; unset it to let gft search`);
  return { adapter: null, hints };
}
