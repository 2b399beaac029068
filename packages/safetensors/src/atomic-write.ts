/**
 * Writes a file so that readers see either the old file or the complete new one: a temp
 * file in the same directory, fsync, rename over the target. Streams pieces, so the whole
 * file never needs to sit in one buffer. Not a lock: concurrent writers race (last wins).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const MAX_CHUNK = 1 << 30;

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, Math.min(MAX_CHUNK, bytes.length - done));
  }
}

export function writeFileAtomic(path: string, pieces: Iterable<Uint8Array>): void {
  const temp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const fd = openSync(temp, 'wx');
  let renamed = false;
  try {
    for (const piece of pieces) writeAll(fd, piece);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, path);
    renamed = true;
  } finally {
    if (!renamed) {
      try {
        closeSync(fd);
      } catch {
        // already closed before the rename failed
      }
      unlinkSync(temp);
    }
  }
  syncDirectory(dirname(path));
}

/** Makes the rename itself durable; some platforms cannot fsync a directory, which is fine. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // best effort only
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
