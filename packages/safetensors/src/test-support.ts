/**
 * Helpers shared by this package's tests: the golden fixtures directory, a temp directory,
 * and a builder for hand-made (often deliberately broken) safetensors files. Test-only;
 * not exported from the package.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Walks up from this file until a directory has a `shared/fixtures` sibling. */
function findFixtures(): string {
  let dir = resolve(__dirname);
  for (;;) {
    const candidate = join(dir, 'shared', 'fixtures');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return join(resolve(__dirname), '../../../../shared/fixtures');
    dir = parent;
  }
}

export const FIXTURES = findFixtures();
export const HAS_FIXTURES = existsSync(FIXTURES);

export function makeTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'gft-safetensors-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A file made of an explicit length prefix, header text and data bytes. */
export function rawFile(
  header: string | object,
  data: Uint8Array | number = 0,
  lengthPrefix?: bigint,
): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const headerBytes = new TextEncoder().encode(text);
  const payload = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + headerBytes.length + payload.length);
  new DataView(out.buffer).setBigUint64(0, lengthPrefix ?? BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  out.set(payload, 8 + headerBytes.length);
  return out;
}

export function writeRaw(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}
