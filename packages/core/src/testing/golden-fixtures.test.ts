/**
 * The repository's copy of the golden fixtures is the reference's output, byte for byte:
 * every file manifest.json lists has its size and sha256, and nothing else is there
 * (besides the README and the manifest itself).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_MANIFEST, goldenFixturesDir } from './golden-fixtures.js';

interface Manifest {
  files: { path: string; bytes: number; sha256: string }[];
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('golden fixtures in the repository', () => {
  const dir = goldenFixturesDir();
  const manifest = JSON.parse(readFileSync(join(dir, GOLDEN_MANIFEST), 'utf8')) as Manifest;

  it('has every file of manifest.json with its size and sha256', () => {
    expect(manifest.files.length).toBeGreaterThanOrEqual(60);
    const wrong: string[] = [];
    for (const f of manifest.files) {
      const bytes = readFileSync(join(dir, f.path));
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      if (bytes.length !== f.bytes || sha256 !== f.sha256) {
        wrong.push(`${f.path}: ${bytes.length} bytes, sha256 ${sha256}`);
      }
    }
    console.log(`${manifest.files.length} fixture files checked, ${wrong.length} differ`);
    expect(wrong).toEqual([]);
  });

  it('holds nothing the manifest does not list', () => {
    const listed = new Set([...manifest.files.map((f) => f.path), GOLDEN_MANIFEST, 'README.md']);
    const extra = walk(dir)
      .map((file) => relative(dir, file).split('\\').join('/'))
      .filter((path) => !listed.has(path));
    expect(extra).toEqual([]);
  });
});
