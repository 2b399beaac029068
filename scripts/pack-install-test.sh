#!/usr/bin/env bash
# Installable as a user would: packs every workspace package with `pnpm pack` (which turns
# `workspace:^` into real versions) and installs the tarballs with npm into fresh projects outside
# the workspace (@gft/* dependencies, not published, are pointed at the tarballs through npm
# `overrides`; tfjs and the rest come from the npm registry). Two projects:
#   qlora  only @gft/core and @gft/plugin-qlora, the README's promise for a QLoRA fine-tune: a
#          two-step fine-tune of the `tiny` preset through the public API from an ESM (.mjs) and
#          a CJS (.cjs) file, each asserting both steps ran with a finite loss.
#   all    every publishable package: each must load by `import` and by `require`, then the
#          installed `gft` runs the smoke bench (scripts/smoke/smoke.mjs: every adapter x
#          collator on `--preset tiny` for two steps, each cell's record checked) on wasm, the
#          backend every install has, and cpu-native from the prebuilt addon in @gft/native's
#          tarball (no compiler involved); the other backends' matrix is scripts/smoke.sh's.
# Needs built packages (`pnpm build`). Not a publish: nothing leaves the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gft-pack-install-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/tarballs"

echo "::: pack (into $WORK/tarballs)"
for dir in packages/* plugins/*; do
  [ -f "$dir/package.json" ] || continue
  if node -e "process.exit(require('./$dir/package.json').private ? 0 : 1)"; then continue; fi
  if [ ! -d "$dir/dist" ]; then
    echo "pack-install-test: $dir/dist is missing; run pnpm build first" >&2
    exit 1
  fi
  (cd "$dir" && pnpm pack --pack-destination "$WORK/tarballs" >/dev/null)
done
ls "$WORK/tarballs"

# name -> tarball, and the package.json of both projects. Every @gft/* package is an override
# too, so a dependency of one on another resolves to its tarball, never to the registry.
node - "$WORK" <<'EOF'
const { mkdirSync, readdirSync, writeFileSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const work = process.argv[2];
const dir = join(work, 'tarballs');
const byName = {};
for (const file of readdirSync(dir).filter((f) => f.endsWith('.tgz'))) {
  const pkg = JSON.parse(
    execFileSync('tar', ['-xOzf', join(dir, file), 'package/package.json'], { encoding: 'utf8' }),
  );
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
      if (range.startsWith('workspace:')) throw new Error(`${file}: ${field} ${dep} still says ${range}`);
    }
  }
  byName[pkg.name] = `file:${join(dir, file)}`;
}
const project = (name, direct) => {
  mkdirSync(join(work, name));
  const app = {
    name: `gft-install-check-${name}`,
    private: true,
    version: '0.0.0',
    dependencies: Object.fromEntries(direct.map((n) => [n, byName[n]])),
    overrides: byName,
  };
  writeFileSync(join(work, name, 'package.json'), `${JSON.stringify(app, null, 2)}\n`);
};
project('qlora', ['@gft/core', '@gft/plugin-qlora']);
project('all', Object.keys(byName).sort());
EOF

cp scripts/pack-install/fine-tune.mjs scripts/pack-install/fine-tune.cjs scripts/pack-install/fine-tune-body.cjs "$WORK/qlora/"
cd "$WORK/qlora"
echo "::: npm install @gft/core @gft/plugin-qlora (fresh project: $WORK/qlora)"
npm install --no-audit --no-fund --loglevel=error
node -e "for (const d of ['@gft/core','@gft/plugin-qlora','@gft/gemma']) console.log(d, require('./node_modules/' + d + '/package.json').version)"
echo "::: ESM"
node fine-tune.mjs
echo "::: CJS"
node fine-tune.cjs

cd "$WORK/all"
echo "::: npm install every publishable package (fresh project: $WORK/all)"
npm install --no-audit --no-fund --loglevel=error
echo "::: each package by import and by require"
cp "$ROOT/scripts/pack-install/load-all.mjs" .
node load-all.mjs
echo "::: gft bench with the installed node_modules/.bin/gft"
node "$ROOT/scripts/smoke/smoke.mjs" --gft node_modules/.bin/gft --out "$WORK/smoke" --only bench --backends wasm,cpu-native
cd "$ROOT"
echo "pack-install-test: ok (QLoRA with core + plugin-qlora in ESM and CJS; every package loads; gft bench from the installed CLI)"
