/**
 * The file `import('<package>')` would load for an installed plugin package: its
 * `exports["."]` under the `import` condition (then `default`), else `module`, else `main`,
 * else `index.js`. Resolving through `require` instead would load a dual package's CommonJS
 * build beside the ESM one the CLI already holds, so the plugin would register into a second
 * copy of every module it imports (gft's fused-kernel table among them).
 */
import { join } from 'node:path';

type Conditional = string | { [condition: string]: Conditional } | null | undefined;

interface EntryFields {
  exports?: Conditional | { [subpath: string]: Conditional };
  module?: string;
  main?: string;
}

/** The first path `target` gives under the ESM conditions, or undefined. */
function pick(target: Conditional): string | undefined {
  if (typeof target === 'string') return target;
  if (!target || typeof target !== 'object') return undefined;
  for (const condition of ['import', 'node', 'default']) {
    if (condition in target) {
      const found = pick(target[condition]);
      if (found) return found;
    }
  }
  return undefined;
}

export function importEntryOf(packageDir: string, pkg: EntryFields): string {
  const exp = pkg.exports;
  let entry: string | undefined;
  if (exp !== undefined && exp !== null) {
    const dot =
      typeof exp === 'object' && !Array.isArray(exp) && '.' in exp
        ? (exp as Record<string, Conditional>)['.']
        : (exp as Conditional);
    entry = pick(dot);
  }
  return join(packageDir, entry ?? pkg.module ?? pkg.main ?? 'index.js');
}
