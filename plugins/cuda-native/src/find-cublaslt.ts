/**
 * Where cuBLASLt is on this machine, for the CUDA device to open at run time: `GFT_CUBLASLT`
 * when set, else the first `libcublasLt.so*` found in the CUDA toolkit folders (CUDA_HOME,
 * CUDA_PATH, /usr/local/cuda*), the folders of LD_LIBRARY_PATH, and PyTorch's
 * `nvidia-cublas` wheel (site-packages/nvidia/cublas/lib, or nvidia/cu13/lib in its CUDA 13
 * layout) under the usual Python prefixes. Returns undefined when none is found: matmuls then
 * use the device's own kernel.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CublasLtSearch {
  env?: NodeJS.ProcessEnv;
  /** Python prefixes whose lib/python3.*\/{site,dist}-packages are searched. */
  pythonPrefixes?: readonly string[];
  /** Folders of CUDA toolkits to try after CUDA_HOME / CUDA_PATH. */
  toolkitRoots?: readonly string[];
}

function toolkitRootsHere(): string[] {
  try {
    return readdirSync('/usr/local')
      .filter((d) => /^cuda(-[0-9.]+)?$/.test(d))
      .sort()
      .reverse()
      .map((d) => join('/usr/local', d));
  } catch {
    return [];
  }
}

/** The newest `libcublasLt.so*` in `dir` (the unversioned link first). */
function libraryIn(dir: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^libcublasLt\.so(\.\d+)*$/.test(n));
  } catch {
    return undefined;
  }
  if (names.length === 0) return undefined;
  names.sort((a, b) => a.length - b.length || b.localeCompare(a));
  return join(dir, names[0]);
}

function wheelDirs(prefixes: readonly string[]): string[] {
  const dirs: string[] = [];
  for (const prefix of prefixes) {
    const lib = join(prefix, 'lib');
    let pythons: string[];
    try {
      pythons = readdirSync(lib).filter((d) => /^python3\.\d+$/.test(d));
    } catch {
      continue;
    }
    for (const py of pythons) {
      for (const packages of ['site-packages', 'dist-packages']) {
        const nvidia = join(lib, py, packages, 'nvidia');
        dirs.push(
          join(nvidia, 'cublas', 'lib'),
          join(nvidia, 'cu13', 'lib'),
          join(nvidia, 'cu12', 'lib'),
        );
      }
    }
  }
  return dirs;
}

/** Every folder searched, in order (for messages and tests). */
export function cublasLtSearchPath(search: CublasLtSearch = {}): string[] {
  const env = search.env ?? process.env;
  const roots = [
    env.CUDA_HOME,
    env.CUDA_PATH,
    ...(search.toolkitRoots ?? toolkitRootsHere()),
  ].filter((d): d is string => typeof d === 'string' && d.length > 0);
  const fromRoots = roots.flatMap((root) => [join(root, 'lib64'), join(root, 'lib')]);
  const fromLdPath = (env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d.length > 0);
  const prefixes = search.pythonPrefixes ?? [
    '/usr',
    '/usr/local',
    '/opt/conda',
    join(homedir(), '.local'),
    ...(env.VIRTUAL_ENV ? [env.VIRTUAL_ENV] : []),
    ...(env.CONDA_PREFIX ? [env.CONDA_PREFIX] : []),
  ];
  return [...new Set([...fromRoots, ...fromLdPath, ...wheelDirs(prefixes)])];
}

export function findCublasLt(search: CublasLtSearch = {}): string | undefined {
  const env = search.env ?? process.env;
  if (env.GFT_CUBLASLT) return existsSync(env.GFT_CUBLASLT) ? env.GFT_CUBLASLT : undefined;
  for (const dir of cublasLtSearchPath(search)) {
    const found = libraryIn(dir);
    if (found) return found;
  }
  return undefined;
}
