import { type Backend, createPluginRegistry, type PluginEntry, wasmBackend } from '@gft/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config.js';
import { resolveAutoBackend } from './default-backend.js';

/** A native backend entry whose availability the test decides (the real ones need the addon or a GPU). */
function nativeEntry(reason?: string, name = 'cpu-native'): PluginEntry {
  const backend: Backend = {
    kind: 'backend',
    name,
    tfBackend: name,
    availability: () => (reason ? { ok: false, reason } : { ok: true }),
    async setup() {},
  };
  return { kind: 'backend', name, source: 'test', load: () => () => backend };
}

const wasmEntry: PluginEntry = {
  kind: 'backend',
  name: 'wasm',
  source: 'test',
  load: () => wasmBackend,
};

describe('auto backend', () => {
  it('is cpu-native where it can start', async () => {
    const registry = createPluginRegistry([wasmEntry, nativeEntry()]);
    const lines: string[] = [];
    const config = await resolveAutoBackend(DEFAULT_CONFIG, registry, (l) => lines.push(l));
    expect(config.backend).toBe('cpu-native');
    expect(config.backends).toEqual(['cpu-native']);
    expect(lines).toEqual([]);
  });

  it('falls back to wasm with one line naming why', async () => {
    const registry = createPluginRegistry([wasmEntry, nativeEntry('no compiled addon')]);
    const lines: string[] = [];
    const config = await resolveAutoBackend(
      { ...DEFAULT_CONFIG, backends: ['auto', 'wasm'] },
      registry,
      (l) => lines.push(l),
    );
    expect(config.backend).toBe('wasm');
    expect(config.backends).toEqual(['wasm']);
    expect(lines).toEqual([
      'gft: cpu-native is not available (no compiled addon); running on the next backend',
    ]);
  });

  it('is cuda-native where a GPU is there, and says nothing when none is', async () => {
    const withGpu = createPluginRegistry([
      wasmEntry,
      nativeEntry(),
      nativeEntry(undefined, 'cuda-native'),
    ]);
    expect((await resolveAutoBackend(DEFAULT_CONFIG, withGpu, () => {})).backend).toBe(
      'cuda-native',
    );
    const noGpu = createPluginRegistry([
      wasmEntry,
      nativeEntry(),
      nativeEntry('no usable CUDA driver or GPU', 'cuda-native'),
    ]);
    const lines: string[] = [];
    const config = await resolveAutoBackend(DEFAULT_CONFIG, noGpu, (l) => lines.push(l));
    expect(config.backend).toBe('cpu-native');
    expect(lines).toEqual([]);
  });

  it('leaves explicit names alone', async () => {
    const registry = createPluginRegistry([wasmEntry, nativeEntry('no compiled addon')]);
    const config = await resolveAutoBackend(
      { ...DEFAULT_CONFIG, backend: 'cpu-native', backends: ['cpu-native'] },
      registry,
      () => {},
    );
    expect(config.backend).toBe('cpu-native');
  });
});
