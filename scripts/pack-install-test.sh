#!/usr/bin/env bash
# Installable as a user would: packs every workspace package with `pnpm pack` (which turns
# `workspace:^` into real versions), makes a fresh npm project outside the workspace whose only
# dependencies are @gft/core and @gft/plugin-qlora (their @gft/* dependencies, not published,
# are pointed at the tarballs through npm `overrides`; tfjs and the rest come from the npm
# registry), and runs a two-step QLoRA fine-tune of the `tiny` preset through the public API from
# an ESM (.mjs) and a CJS (.cjs) file, each asserting both steps ran with a finite loss.
# Needs built packages (`pnpm build`). Not a publish: nothing leaves the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gft-pack-install-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/tarballs" "$WORK/app"

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

# name -> tarball, for the two direct dependencies and the overrides of the rest.
node - "$WORK" <<'EOF'
const { readdirSync, writeFileSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const work = process.argv[2];
const dir = join(work, 'tarballs');
const byName = {};
for (const file of readdirSync(dir).filter((f) => f.endsWith('.tgz'))) {
  const pkg = JSON.parse(
    execFileSync('tar', ['-xOzf', join(dir, file), 'package/package.json'], { encoding: 'utf8' }),
  );
  for (const [field, deps] of Object.entries({ dependencies: pkg.dependencies, peerDependencies: pkg.peerDependencies })) {
    for (const [dep, range] of Object.entries(deps ?? {})) {
      if (range.startsWith('workspace:')) throw new Error(`${file}: ${field} ${dep} still says ${range}`);
    }
  }
  byName[pkg.name] = `file:${join(dir, file)}`;
}
const direct = ['@gft/core', '@gft/plugin-qlora'];
const app = {
  name: 'gft-install-check',
  private: true,
  version: '0.0.0',
  dependencies: Object.fromEntries(direct.map((n) => [n, byName[n]])),
  overrides: Object.fromEntries(Object.entries(byName).filter(([n]) => !direct.includes(n))),
};
writeFileSync(join(work, 'app', 'package.json'), `${JSON.stringify(app, null, 2)}\n`);
EOF

cp scripts/pack-install/fine-tune.mjs scripts/pack-install/fine-tune.cjs scripts/pack-install/fine-tune-body.cjs "$WORK/app/"
cd "$WORK/app"
echo "::: npm install @gft/core @gft/plugin-qlora (fresh project: $WORK/app)"
npm install --no-audit --no-fund --loglevel=error
node -e "for (const d of ['@gft/core','@gft/plugin-qlora','@gft/gemma']) console.log(d, require('./node_modules/' + d + '/package.json').version)"
echo "::: ESM"
node fine-tune.mjs
echo "::: CJS"
node fine-tune.cjs
echo "pack-install-test: ok (ESM and CJS, two QLoRA steps each, from packed tarballs)"
cd "$ROOT"
