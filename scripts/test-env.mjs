#!/usr/bin/env node
/**
 * The test environment's fingerprint: for every requirement in @gft/core/testing's table
 * (packages/core/src/testing/requirements.ts), what its own check says and the presence,
 * size and mtime of each outside path that decides it (for a folder, of every file in it).
 * scripts/test.mjs hands it to turbo as GFT_TEST_ENV, which turbo.json lists in the test
 * task's env: files outside the repository are not turbo inputs, so without it a run cached
 * without the arena rows or Chromium would be replayed, skips and all, on a machine that
 * has them. Run directly, it prints the fingerprint and what went into it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';

/** 'absent', `size:mtime` for a file, or a list of those for every entry of a folder. */
function pathState(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 'absent';
  }
  if (!st.isDirectory()) return `${st.size}:${st.mtimeMs}`;
  return readdirSync(path, { recursive: true })
    .map(String)
    .sort()
    .map((rel) => {
      const s = statSync(join(path, rel));
      return s.isDirectory() ? `${rel}/` : `${rel} ${s.size}:${s.mtimeMs}`;
    });
}

/**
 * `{ fingerprint, requirements }`. Also validates GFT_REQUIRE (throws, listing the known
 * names, on an unknown one), so a typo fails before any test runs.
 */
export async function testEnv() {
  // The table is TypeScript in core's source; tsx reads it without a build (and without
  // the rest of the testing entry, which imports built packages).
  const core = '../packages/core/src/testing';
  const { REQUIREMENTS } = await tsImport(`${core}/requirements.ts`, import.meta.url);
  const { declaredRequirements } = await tsImport(`${core}/needs.ts`, import.meta.url);
  const declared = [...declaredRequirements()];
  const requirements = {};
  for (const [name, spec] of Object.entries(REQUIREMENTS)) {
    requirements[name] = {
      check: spec.missing ? (spec.missing() ?? 'present') : 'probed by the tests',
      paths: Object.fromEntries(spec.paths().map((p) => [p, pathState(p)])),
    };
  }
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(requirements))
    .digest('hex')
    .slice(0, 16);
  return { fingerprint, declared, requirements };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await testEnv(), null, 2));
}
