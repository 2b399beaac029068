/**
 * The process's resident-set high-water mark from the kernel (Linux `VmHWM`), which sees the
 * peak inside a synchronous native kernel that no JavaScript sampler can; it restarts from the
 * current RSS by writing 5 to `/proc/self/clear_refs`. Elsewhere (or where /proc is not
 * readable) it is `undefined` and callers fall back to sampling `process.memoryUsage.rss()`.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const STATUS = '/proc/self/status';
const CLEAR_REFS = '/proc/self/clear_refs';

/** Peak resident bytes since the process started or the last `resetRssHighWater`. */
export function rssHighWater(): number | undefined {
  try {
    const kib = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(STATUS, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

/** Restarts the high-water mark from the current RSS; false where that is not possible. */
export function resetRssHighWater(): boolean {
  try {
    writeFileSync(CLEAR_REFS, '5');
    return true;
  } catch {
    return false;
  }
}
