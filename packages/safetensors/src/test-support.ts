/**
 * Helpers shared by this package's tests: the golden fixtures directory, a temp directory,
 * and a builder for hand-made (often deliberately broken) safetensors files. Test-only;
 * not exported from the package.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// From core's source, not '@gft/core/testing': core depends on this package, so a dependency
// back on core would make the workspace graph cyclic. Same function, same answer.
import { goldenFixturesDir } from '../../core/src/testing/golden-fixtures.js';

export const FIXTURES = goldenFixturesDir();

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
