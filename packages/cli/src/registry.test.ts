import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPlugins } from './registry.js';

const tmp = mkdtempSync(join(tmpdir(), 'gft-registry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A package directory with a package.json (and a factory module when it announces plugins). */
function pkg(dir: string, json: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ main: 'index.cjs', ...json }));
  writeFileSync(
    join(dir, 'index.cjs'),
    "exports.fast = () => ({ kind: 'backend', name: 'fast', tfBackend: 'cpu', setup: async () => {} });",
  );
}

/**
 * A stand-in CLI install (npm's flat layout): one shipped backend package installed, one
 * optional plugin package that is not, and a plain library dependency.
 */
const root = join(tmp, 'app');
const cliDir = join(root, 'node_modules', '@gft', 'cli');
pkg(cliDir, {
  name: '@gft/cli',
  version: '9.9.9',
  dependencies: { 'gft-fast-backend': '^2.0.0', 'left-pad': '1.0.0' },
  optionalDependencies: { '@gft/plugin-absent': '^1.0.0' },
});
pkg(join(root, 'node_modules', 'gft-fast-backend'), {
  name: 'gft-fast-backend',
  version: '2.0.1',
  gft: { plugins: [{ kind: 'backend', name: 'fast', export: 'fast' }] },
});
pkg(join(root, 'node_modules', 'left-pad'), { name: 'left-pad', version: '1.0.0' });

describe('cliPlugins', () => {
  it("finds the CLI's dependencies' plugins with their version, and the optional ones missing", async () => {
    const { registry, shipped, originOf } = cliPlugins(tmp, cliDir);
    const fast = registry.get('backend', 'fast');
    expect(fast).toMatchObject({ source: 'gft-fast-backend', version: '2.0.1' });
    expect(originOf(fast)).toBe('shipped');
    expect(originOf(registry.get('backend', 'wasm'))).toBe('built-in');
    expect(shipped.packages).toEqual(['gft-fast-backend']);
    expect(shipped.notInstalled).toEqual(['@gft/plugin-absent']);
    expect((await registry.create('backend', 'fast')).name).toBe('fast');
  });
  it('an unknown name lists the known ones and the optional packages not installed', async () => {
    const { registry } = cliPlugins(tmp, cliDir);
    const expected =
      /unknown backend plugin 'cpu-native'; known backend plugins: fast, wasm; optional dependencies of @gft\/cli that are not installed: @gft\/plugin-absent \(install them next to @gft\/cli, e\.g\. 'npm i @gft\/plugin-absent'\)/;
    expect(() => registry.get('backend', 'cpu-native')).toThrow(expected);
    await expect(registry.create('backend', 'cpu-native')).rejects.toThrow(expected);
  });
});
