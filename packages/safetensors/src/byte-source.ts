/**
 * Positioned reads from a file descriptor or an in-memory buffer. Each read returns a
 * fresh Uint8Array of exactly the requested range; a file is never read whole.
 */
import { closeSync, readSync } from 'node:fs';
import { badCheckpoint } from './safetensors-error.js';

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** A fresh copy of [position, position + length), which must lie inside the source. */
  readAt(position: number, length: number, tensor?: string): Uint8Array;
  close(): void;
}

/** Node caps one read at 2 GiB - 1; stay well below it. */
const MAX_CHUNK = 1 << 30;

export function fileByteSource(fd: number, size: number, file: string): ByteSource {
  return {
    size,
    readAt(position, length, tensor) {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const want = Math.min(MAX_CHUNK, length - done);
        const got = readSync(fd, out, done, want, position + done);
        if (got === 0) {
          throw badCheckpoint(
            file,
            `file ended at byte ${position + done} while reading bytes ${position}..${position + length} (file changed since it was opened?)`,
            tensor,
          );
        }
        done += got;
      }
      return out;
    },
    close() {
      closeSync(fd);
    },
  };
}

export function memoryByteSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    readAt(position, length) {
      return bytes.slice(position, position + length);
    },
    close() {},
  };
}
