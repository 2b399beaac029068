/**
 * The things outside the repository that some tests need, one entry per requirement: what a
 * machine that declares it (in GFT_REQUIRE) provides, how a test tells it is missing, and
 * which outside paths decide it (scripts/test-env.mjs hashes their presence and content into
 * the test cache key, so turbo never replays a run made without them). Adding a requirement
 * is adding an entry. Whether a missing one skips or fails is needs.ts's business.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { arenaDataDir } from './shared-dir.js';
import { chromiumPath, SWIFTSHADER_DRIVER, SWIFTSHADER_ICD } from './system-paths.js';

export interface Requirement {
  /** What a machine that declares it provides; quoted in skip titles and failures. */
  readonly provides: string;
  /** Paths outside the repository whose presence and content decide whether it is there. */
  paths(): string[];
  /**
   * Why it is missing, or undefined when it is there. Absent where only the test can tell
   * (creating a WebGPU adapter takes the plugin under test): the test passes its own probe.
   */
  readonly missing?: () => string | undefined;
}

/** Debian's OpenBLAS runtime, which the addon links. */
const OPENBLAS_LIBRARY = '/usr/lib/x86_64-linux-gnu/libopenblas.so.0';

function missingPath(path: string): string | undefined {
  return existsSync(path) ? undefined : `no ${path}`;
}

export const REQUIREMENTS = {
  'arena-data': {
    provides: 'real arena rows in ../shared/data/arena beside the repository',
    paths: () => [arenaDataDir()],
    missing: () =>
      existsSync(join(arenaDataDir(), 'train_sample.csv'))
        ? undefined
        : `no shared/data/arena/train_sample.csv beside ${process.cwd()} or a folder above it`,
  },
  chromium: {
    provides: "Debian's Chromium at /usr/bin/chromium (or GFT_CHROMIUM)",
    paths: () => [chromiumPath()],
    missing: () => missingPath(chromiumPath()),
  },
  webgpu: {
    provides: "a WebGPU adapter from Dawn (without a GPU: SwiftShader's Vulkan ICD from Chromium)",
    paths: () => [SWIFTSHADER_ICD, SWIFTSHADER_DRIVER],
  },
  'cpu-native': {
    provides: "gft's native addon (@gft/native, built with g++, cmake and OpenBLAS) loading here",
    // Whether the addon loads is the test's probe (the plugin under test loads it).
    paths: () => [OPENBLAS_LIBRARY],
  },
  'cuda-build': {
    provides: "the CUDA device compiled into gft's native addon (nvcc found when it was built)",
    // Whether the addon lists the device is the test's probe; nvcc decides it.
    paths: () => ['/usr/local/bin/nvcc', '/usr/local/cuda/bin/nvcc'],
  },
  'cuda-simt': {
    provides:
      "the CUDA device's kernels built for the CPU SIMT emulator (@gft/native's build-simt, g++ and cmake), so cuda-native's suites run without a GPU",
    // Whether the SIMT addon loads and opens is the test's probe.
    paths: () => [],
  },
  'proc-fs': {
    provides: "Linux's /proc, where a test counts this process's threads (/proc/self/status)",
    // Nothing to hash: /proc is the kernel's view of the running process, not installed state.
    paths: () => [],
    missing: () => missingPath('/proc/self/status'),
  },
  'cuda-gpu': {
    provides: 'an NVIDIA GPU and driver the CUDA device of the native addon can open',
    // Whether the device opens is the test's probe (the plugin under test opens it).
    paths: () => ['/dev/nvidia0', '/dev/nvidiactl'],
  },
} as const satisfies Record<string, Requirement>;

export type RequirementName = keyof typeof REQUIREMENTS;

export const REQUIREMENT_NAMES = Object.keys(REQUIREMENTS) as RequirementName[];
