/**
 * The backend a run gets when it names none (`auto`): the first of PREFERRED that is
 * installed and can start here. cuda-native is first, so a machine with an NVIDIA GPU trains
 * on it; most machines have none, so its absence is silent. Then cpu-native, where the native
 * addon built; where it did not, one line says why and the run goes on with wasm.
 * Naming a backend explicitly never falls back: its setup error names what is missing.
 */
import type { Backend, PluginRegistry } from '@gft/core';
import type { RunConfig } from './config.js';

export const AUTO_BACKEND = 'auto';
const PREFERRED = ['cuda-native', 'cpu-native', 'wasm'];
// Backends whose absence is the normal case, not worth a line.
const QUIET = new Set(['cuda-native']);

async function pick(registry: PluginRegistry, warn: (line: string) => void): Promise<string> {
  for (const name of PREFERRED) {
    if (!registry.list('backend').some((e) => e.name === name)) continue;
    const backend = (await registry.create('backend', name)) as Backend;
    const availability = backend.availability?.() ?? { ok: true };
    if (availability.ok) return name;
    if (!QUIET.has(name)) {
      warn(`gft: ${name} is not available (${availability.reason}); running on the next backend`);
    }
  }
  return 'wasm';
}

/** `config` with `auto` in `backend` / `backends` replaced by the chosen backend's name. */
export async function resolveAutoBackend(
  config: RunConfig,
  registry: PluginRegistry,
  warn: (line: string) => void,
): Promise<RunConfig> {
  if (config.backend !== AUTO_BACKEND && !config.backends.includes(AUTO_BACKEND)) return config;
  const chosen = await pick(registry, warn);
  return {
    ...config,
    backend: config.backend === AUTO_BACKEND ? chosen : config.backend,
    backends: [...new Set(config.backends.map((b) => (b === AUTO_BACKEND ? chosen : b)))],
  };
}
