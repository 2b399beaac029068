#!/usr/bin/env node
/**
 * `pnpm test`: fingerprints what the tests can reach outside the repository (test-env.mjs),
 * runs every package's tests through turbo with that fingerprint in GFT_TEST_ENV, and
 * prints the workspace summary (test-summary.mjs) last, whatever turbo said. Last run's
 * reports are removed first: a package whose tests did not run (its build failed) then shows
 * as missing instead of passing with old numbers. Exits non-zero if turbo or the summary does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv } from './test-env.mjs';

const root = join(import.meta.dirname, '..');

let env;
try {
  env = await testEnv();
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(2);
}
const declared = env.declared.length > 0 ? env.declared.join(',') : '(none)';
console.log(`::: test environment ${env.fingerprint}; GFT_REQUIRE=${declared}`);

for (const group of ['packages', 'plugins', 'examples']) {
  if (!existsSync(join(root, group))) continue;
  for (const name of readdirSync(join(root, group))) {
    rmSync(join(root, group, name, '.vitest', 'result.json'), { force: true });
  }
}

const run = (command, args) =>
  spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, GFT_TEST_ENV: env.fingerprint },
  }).status ?? 1;

const turbo = run(join(root, 'node_modules', '.bin', 'turbo'), [
  'run',
  'test',
  '--concurrency=1',
  '--continue',
]);
const summary = run(process.execPath, [join(root, 'scripts', 'test-summary.mjs')]);
process.exit(turbo !== 0 ? turbo : summary);
