#!/usr/bin/env node
// Sums the vitest JSON reports of every workspace package into one closing line, so CI (and a
// person) sees the whole suite's count at the end of `pnpm test`. A test file that failed
// before any test ran (an import or collection error, e.g. a requirement GFT_REQUIRE declares
// but the machine lacks) has no failed test in the report, so it counts as one failed test
// here. Skipped tests are listed with their titles (which say why). Exits non-zero if any
// failed or if a package that has tests wrote no report.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
const failures = [];
const skips = [];
for (const group of ['packages', 'plugins', 'examples']) {
  if (!existsSync(join(root, group))) continue;
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name);
    const pkgFile = join(dir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    if (!pkg.scripts?.test) continue;
    const report = join(dir, '.vitest', 'result.json');
    if (!existsSync(report)) {
      missing.push(pkg.name);
      continue;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    let fileFailures = 0;
    for (const file of r.testResults ?? []) {
      const tests = file.assertionResults ?? [];
      if (file.status === 'failed' && !tests.some((t) => t.status === 'failed')) {
        fileFailures++;
        const where = relative(root, file.name);
        failures.push(`${where}: ${(file.message || 'failed before any test ran').split('\n')[0]}`);
      }
      for (const t of tests) {
        if (['skipped', 'pending', 'todo'].includes(t.status)) {
          skips.push(`${pkg.name}: ${[...(t.ancestorTitles ?? []), t.title].join(' > ')}`);
        }
      }
    }
    // vitest can also fail a run outside any file (an unhandled error).
    if (r.success === false && r.numFailedTests === 0 && fileFailures === 0) {
      fileFailures = 1;
      failures.push(`${pkg.name}: vitest reported failure outside any test (unhandled error?)`);
    }
    const pkgFailed = r.numFailedTests + fileFailures;
    const pkgSkipped = r.numPendingTests + (r.numTodoTests ?? 0);
    passed += r.numPassedTests;
    failed += pkgFailed;
    skipped += pkgSkipped;
    console.log(
      `${pkg.name.padEnd(32)} ${r.numPassedTests} passed, ${pkgFailed} failed, ${pkgSkipped} skipped`,
    );
  }
}
if (skips.length > 0) console.log(`skipped:\n${skips.map((s) => `  ${s}`).join('\n')}`);
if (failures.length > 0) {
  console.log(`failed before running tests:\n${failures.map((f) => `  ${f}`).join('\n')}`);
}
if (missing.length > 0) console.log(`no test report from: ${missing.join(', ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing.length > 0 ? 1 : 0);
