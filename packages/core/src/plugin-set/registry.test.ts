import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paddingCollator } from '../collators/padding.js';
import { GftError } from '../errors/gft-error.js';
import { discoverPlugins } from './discover.js';
import { createPluginRegistry } from './registry.js';

describe('plugin registry', () => {
  it('creates a plugin by kind and name', async () => {
    const registry = createPluginRegistry([
      { kind: 'collator', name: 'padding', source: 'built-in', load: () => paddingCollator },
    ]);
    const plugin = await registry.create('collator', 'padding');
    expect(plugin.kind).toBe('collator');
  });

  it('refuses a name registered twice, naming both sources', () => {
    const registry = createPluginRegistry([
      { kind: 'collator', name: 'padding', source: 'built-in', load: () => paddingCollator },
    ]);
    expect(() =>
      registry.register({
        kind: 'collator',
        name: 'padding',
        source: 'gft-plugin-evil',
        load: () => paddingCollator,
      }),
    ).toThrow("collator plugin 'padding' is registered twice: by built-in and by gft-plugin-evil");
  });

  it('lists the known names for an unknown one', () => {
    const registry = createPluginRegistry([
      { kind: 'collator', name: 'padding', source: 'built-in', load: () => paddingCollator },
      { kind: 'collator', name: 'varlen-packing', source: 'p', load: () => paddingCollator },
    ]);
    expect(() => registry.get('collator', 'packing')).toThrow(
      "unknown collator plugin 'packing'; known collator plugins: padding, varlen-packing",
    );
  });

  it('refuses a factory that returns a different plugin', async () => {
    const registry = createPluginRegistry([
      { kind: 'collator', name: 'sorted', source: 'p', load: () => paddingCollator },
    ]);
    await expect(registry.create('collator', 'sorted')).rejects.toThrow(
      "the factory for collator plugin 'sorted' (p) returned collator plugin 'padding'",
    );
  });

  it('discovers plugins announced in installed packages', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gft-discover-'));
    const pkgDir = join(root, 'node_modules', '@acme', 'gft-sorted');
    mkdirSync(pkgDir, { recursive: true });
    writeFileSync(
      join(pkgDir, 'package.json'),
      JSON.stringify({
        name: '@acme/gft-sorted',
        version: '1.2.3',
        main: 'index.cjs',
        gft: { plugins: [{ kind: 'collator', name: 'sorted', export: 'sorted' }] },
      }),
    );
    writeFileSync(
      join(pkgDir, 'index.cjs'),
      "exports.sorted = () => ({ kind: 'collator', name: 'sorted', layout: 'padded', collate: () => [] });",
    );
    mkdirSync(join(root, 'node_modules', 'unrelated'));
    writeFileSync(join(root, 'node_modules', 'unrelated', 'package.json'), '{"name":"unrelated"}');

    const registry = createPluginRegistry();
    const found = discoverPlugins(registry, root);
    expect(found.map((e) => `${e.kind}:${e.name}@${e.source}`)).toEqual([
      'collator:sorted@@acme/gft-sorted',
    ]);
    expect(found[0].version).toBe('1.2.3');
    const plugin = await registry.create('collator', 'sorted');
    expect(plugin.name).toBe('sorted');
  });

  it('names the package.json of a malformed announcement', () => {
    const root = mkdtempSync(join(tmpdir(), 'gft-discover-'));
    const pkgDir = join(root, 'node_modules', 'bad-plugin');
    mkdirSync(pkgDir, { recursive: true });
    writeFileSync(
      join(pkgDir, 'package.json'),
      JSON.stringify({ name: 'bad-plugin', gft: { plugins: [{ kind: 'optimizer', name: 'x' }] } }),
    );
    try {
      discoverPlugins(createPluginRegistry(), root);
      expect.unreachable();
    } catch (e) {
      expect(GftError.isInstance(e)).toBe(true);
      expect((e as Error).message).toContain(join(pkgDir, 'package.json'));
      expect((e as Error).message).toContain('gft.plugins[0] needs kind');
    }
  });
});
