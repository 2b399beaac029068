/**
 * The manifest of a version 2 checkpoint directory: `manifest.json`, `{ files: [{ name,
 * bytes, sha256 }] }`, one entry for every other file of the directory. It is written last,
 * so a directory whose manifest is present was written whole; the sizes and checksums then
 * tell a file truncated, overwritten or rotted on disk afterwards from an intact one, and
 * the error names that file instead of surfacing as garbage values or a tfjs shape error.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { GftError } from '../errors/gft-error.js';
import {
  fieldProblem,
  isCount,
  isPlainObject,
  parseJsonObject,
  show,
} from './checkpoint-validate.js';

export const MANIFEST_FILE = 'manifest.json';

export interface ManifestEntry {
  /** A file name inside the checkpoint directory (no path). */
  name: string;
  bytes: number;
  /** Lower-case hex. */
  sha256: string;
}

// Plain names only: a manifest must not make the reader open files outside its directory.
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Writes `chunks` to `dir/name` and flushes it; returns the entry for the manifest. The hash
 * is taken from the bytes as they are written, so no second read of a large file is needed.
 */
export function writeHashedFile(
  dir: string,
  name: string,
  chunks: readonly Uint8Array[],
): ManifestEntry {
  const hash = createHash('sha256');
  let bytes = 0;
  const fd = openSync(join(dir, name), 'w');
  try {
    for (const c of chunks) {
      hash.update(c);
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off, c.length - off);
      bytes += c.length;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { name, bytes, sha256: hash.digest('hex') };
}

export function writeManifest(dir: string, files: readonly ManifestEntry[]): void {
  writeHashedFile(dir, MANIFEST_FILE, [Buffer.from(JSON.stringify({ files }))]);
}

/**
 * The manifest's entries, or undefined when the directory has none (a version 1
 * checkpoint). Every entry is checked; `required` files must be listed, so a manifest cannot
 * skip the verification of the files the loader reads.
 */
export function readManifest(
  dir: string,
  required: readonly string[],
): ManifestEntry[] | undefined {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GftError('BAD_CHECKPOINT', `cannot read ${file}: ${(cause as Error).message}`, {
      cause,
      where: file,
    });
  }
  const bad = fieldProblem(file);
  const json = parseJsonObject(text, file);
  const files = json.files;
  if (!Array.isArray(files)) throw bad('files', `is ${show(files)}, expected an array`);
  const seen = new Set<string>();
  const out: ManifestEntry[] = [];
  files.forEach((e: unknown, i) => {
    const at = `files[${i}]`;
    if (!isPlainObject(e)) throw bad(at, `is ${show(e)}, expected { name, bytes, sha256 }`);
    const { name, bytes, sha256 } = e;
    if (typeof name !== 'string' || !FILE_NAME.test(name) || name === MANIFEST_FILE) {
      throw bad(`${at}.name`, `is ${show(name)}, expected a file name in the checkpoint directory`);
    }
    if (seen.has(name)) throw bad(`${at}.name`, `'${name}' is listed twice`);
    seen.add(name);
    if (!isCount(bytes)) throw bad(`${at}.bytes`, `is ${show(bytes)}, expected an integer >= 0`);
    if (typeof sha256 !== 'string' || !SHA256.test(sha256)) {
      throw bad(`${at}.sha256`, `is ${show(sha256)}, expected 64 lower-case hex digits`);
    }
    out.push({ name, bytes, sha256 });
  });
  for (const name of required) {
    if (!seen.has(name)) throw bad('files', `does not list ${name}`);
  }
  return out;
}

/** Reads the entry's file and checks its size and checksum; returns its bytes. */
export function readVerified(dir: string, entry: ManifestEntry): Buffer {
  const file = join(dir, entry.name);
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new GftError(
      'BAD_CHECKPOINT',
      missing
        ? `${file} is missing (the manifest lists it: ${entry.bytes} bytes)`
        : `cannot read ${file}: ${(cause as Error).message}`,
      { cause, where: file },
    );
  }
  if (data.length !== entry.bytes) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${file} is ${data.length} bytes, the manifest says ${entry.bytes}: the file was ${data.length < entry.bytes ? 'truncated' : 'overwritten or appended to'} after it was written`,
      { where: file },
    );
  }
  const sha256 = createHash('sha256').update(data).digest('hex');
  if (sha256 !== entry.sha256) {
    throw new GftError(
      'BAD_CHECKPOINT',
      `${file} is damaged: its sha256 is ${sha256}, the manifest records ${entry.sha256}`,
      { where: file },
    );
  }
  return data;
}

/**
 * A cheap check without reading the files: every listed file exists with its recorded size.
 * False when there is no valid manifest.
 */
export function manifestLooksIntact(dir: string, required: readonly string[]): boolean {
  try {
    const entries = readManifest(dir, required);
    return entries?.every((e) => statSync(join(dir, e.name)).size === e.bytes) === true;
  } catch {
    return false;
  }
}
