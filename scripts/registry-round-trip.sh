#!/usr/bin/env bash
# Publishing for real, on a registry that lives for one run: starts verdaccio on 127.0.0.1
# (scripts/registry/), versions a throw-away copy of the workspace with `changeset version`,
# publishes every public package to it with `changeset publish`, then installs from that registry
# alone, with npm, into fresh projects outside the workspace, as a user would:
#   qlora  `@gft/core @gft/plugin-qlora`, the README's promise: a two-step QLoRA fine-tune of the
#          `tiny` preset through the public API, from an ESM (.mjs) and a CJS (.cjs) file.
#   cli    `@gft/cli` alone: `gft --version` names the versions just published, @gft/native's
#          prebuilt addon came through (no compiler runs), and `gft bench --preset tiny` runs every
#          adapter x collator on wasm and cpu-native (scripts/smoke/smoke.mjs checks each record).
#   all    every public package: each loads by `import` and by `require`.
# Each install's lockfile must resolve every @gft/* package to the version and the integrity
# the registry holds. No @gft/* package leaves the machine or comes from outside it: @gft/* has
# no uplink, so one that was not published fails to install instead of coming from npmjs.org.
# Everything else (verdaccio itself, tfjs, ...) comes from npmjs.org, proxied by the registry.
# Needs built packages (`pnpm build`); the checkout itself is not modified.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gft-registry-XXXXXX")
REGISTRY_PID=
cleanup() {
  if [ -n "$REGISTRY_PID" ]; then
    kill "$REGISTRY_PID" 2>/dev/null || true
    wait "$REGISTRY_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
started=$(date +%s)
elapsed() { echo "$(($(date +%s) - started)) s"; }

PUBLIC=()
for dir in packages/* plugins/*; do
  [ -f "$dir/package.json" ] || continue
  if node -e "process.exit(require('./$dir/package.json').private ? 0 : 1)"; then continue; fi
  if [ ! -d "$dir/dist" ]; then
    echo "registry-round-trip: $dir/dist is missing; run pnpm build first" >&2
    exit 1
  fi
  PUBLIC+=("$dir")
done

echo "::: registry: verdaccio on 127.0.0.1 (npm ci in $WORK/registry)"
mkdir -p "$WORK/registry"
cp scripts/registry/package.json scripts/registry/package-lock.json scripts/registry/verdaccio.yaml "$WORK/registry/"
(cd "$WORK/registry" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
PORT=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
REGISTRY="http://127.0.0.1:$PORT/"
(cd "$WORK/registry" && exec node_modules/.bin/verdaccio --config ./verdaccio.yaml --listen "127.0.0.1:$PORT" >"$WORK/registry/verdaccio.log" 2>&1) &
REGISTRY_PID=$!
for _ in $(seq 1 60); do
  curl -sf "${REGISTRY}-/ping" >/dev/null && break
  if ! kill -0 "$REGISTRY_PID" 2>/dev/null; then
    cat "$WORK/registry/verdaccio.log" >&2
    echo "registry-round-trip: verdaccio exited before it answered" >&2
    exit 1
  fi
  sleep 0.5
done
curl -sf "${REGISTRY}-/ping" >/dev/null || { echo "registry-round-trip: verdaccio did not answer at $REGISTRY" >&2; exit 1; }
# Whoever answered must be our verdaccio: had another process taken the port first, ours
# would have exited on EADDRINUSE.
kill -0 "$REGISTRY_PID" 2>/dev/null || { cat "$WORK/registry/verdaccio.log" >&2; echo "registry-round-trip: port $PORT was taken" >&2; exit 1; }
# One user, created through the registry's adduser endpoint, whose token publishes.
TOKEN=$(curl -sf -X PUT -H 'content-type: application/json' \
  -d '{"name":"gft-ci","password":"local-registry-only"}' \
  "${REGISTRY}-/user/org.couchdb.user:gft-ci" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).token ?? ''))")
[ -n "$TOKEN" ] || { echo "registry-round-trip: the registry gave no token for the publishing user" >&2; exit 1; }
# npm and pnpm read this file instead of the user's own: only this registry, with this token.
cat >"$WORK/npmrc" <<EOF
registry=$REGISTRY
//127.0.0.1:$PORT/:_authToken=$TOKEN
fund=false
audit=false
update-notifier=false
EOF
export NPM_CONFIG_USERCONFIG="$WORK/npmrc" npm_config_registry="$REGISTRY"
echo "registry at $REGISTRY ($(elapsed))"

echo "::: changeset version (a throw-away copy of the workspace: $WORK/repo)"
mkdir -p "$WORK/repo"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$WORK/repo"
for dir in "${PUBLIC[@]}"; do
  for built in dist prebuilds; do
    [ -d "$dir/$built" ] && cp -r "$dir/$built" "$WORK/repo/$dir/"
  done
done
cd "$WORK/repo"
# pnpm publish reads each workspace: dependency's version through the install's links, and
# changesets' changelog generator resolves from it; the store already holds everything.
pnpm install --frozen-lockfile --offline --ignore-scripts --reporter=silent
versions_of() {
  for dir in "${PUBLIC[@]}"; do node -p "const p=require('./$dir/package.json');p.name+' '+p.version"; done
}
versions_of >"$WORK/before.txt"
"$ROOT/node_modules/.bin/changeset" version >"$WORK/version.log" 2>&1 || { cat "$WORK/version.log" >&2; exit 1; }
versions_of >"$WORK/after.txt"
paste -d' ' "$WORK/before.txt" "$WORK/after.txt" | awk '{ print "  " $1 " " $2 " -> " $4 }'
# The @gft/* family is released in lock step (.changeset/config.json "fixed"): one version.
if [ "$(awk '{ print $2 }' "$WORK/after.txt" | sort -u | wc -l)" != 1 ]; then
  echo "registry-round-trip: the public packages do not share one version after changeset version" >&2
  exit 1
fi
if ls .changeset/*.md 2>/dev/null | grep -v README >/dev/null; then
  echo "registry-round-trip: changeset version left changesets behind" >&2
  exit 1
fi

echo "::: changeset publish (to $REGISTRY)"
"$ROOT/node_modules/.bin/changeset" publish --no-git-tag >"$WORK/publish.log" 2>&1 || {
  cat "$WORK/publish.log" >&2
  exit 1
}
{ grep -E 'published|New tag|error' "$WORK/publish.log" || true; } | awk 'NR <= 40 { print "  " $0 }'
# Every public package must now be on the registry at its new version, with no workspace: range;
# what it serves (name version integrity) goes to published.txt for the installs to check.
node - "$WORK/after.txt" "$REGISTRY" "$WORK/published.txt" <<'EOF'
const { readFileSync, writeFileSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const [list, registry, published] = process.argv.slice(2);
const served = [];
for (const line of readFileSync(list, 'utf8').trim().split('\n')) {
  const [name, version] = line.split(' ');
  const meta = JSON.parse(
    execFileSync('npm', ['view', `${name}@${version}`, '--json', '--registry', registry], { encoding: 'utf8' }),
  );
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(meta[field] ?? {})) {
      if (range.startsWith('workspace:')) throw new Error(`${name}@${version}: ${field} ${dep} is still ${range}`);
    }
  }
  if (meta.version !== version) throw new Error(`${name}: the registry has ${meta.version}, expected ${version}`);
  served.push(`${name} ${version} ${meta.dist.integrity}`);
}
writeFileSync(published, `${served.join('\n')}\n`);
console.log(`  all ${readFileSync(list, 'utf8').trim().split('\n').length} packages are on the registry at their new versions`);
EOF
echo "published ($(elapsed))"

# A fresh npm project outside the workspace depending on $2..., installed from the registry.
install_project() {
  local name=$1
  shift
  mkdir -p "$WORK/$name"
  cd "$WORK/$name"
  node -e "require('node:fs').writeFileSync('package.json', JSON.stringify({ name: 'gft-registry-check-$name', private: true, version: '0.0.0' }, null, 2) + '\n')"
  echo "::: npm install $* (fresh project: $WORK/$name)"
  npm install --no-audit --no-fund --loglevel=error "$@"
  # The lockfile must name, for every @gft/* package, exactly what the registry serves.
  node - "$WORK/published.txt" "$REGISTRY" <<'EOF'
const { readFileSync } = require('node:fs');
const [list, registry] = process.argv.slice(2);
const served = readFileSync(list, 'utf8').trim().split('\n').map((l) => l.split(' '));
const expected = new Map(served.map(([name, version]) => [name, version]));
const integrityOf = new Map(served.map(([name, , integrity]) => [name, integrity]));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const gft = Object.entries(lock.packages).filter(([path]) => path.includes('node_modules/@gft/'));
if (gft.length === 0) throw new Error('no @gft/* package in package-lock.json');
for (const [path, entry] of gft) {
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  if (entry.version !== expected.get(name)) {
    throw new Error(`${path}: installed ${entry.version}, published ${expected.get(name)}`);
  }
  if (entry.resolved && !entry.resolved.startsWith(registry)) throw new Error(`${path} came from ${entry.resolved}`);
  const integrity = integrityOf.get(name);
  if (entry.integrity !== integrity) throw new Error(`${path}: integrity ${entry.integrity}, registry ${integrity}`);
  console.log(`  ${name}@${entry.version} from the registry (integrity checked)`);
}
EOF
}

install_project qlora @gft/core @gft/plugin-qlora
cp "$ROOT"/scripts/registry/consumer/fine-tune.mjs "$ROOT"/scripts/registry/consumer/fine-tune.cjs "$ROOT"/scripts/registry/consumer/fine-tune-body.cjs .
echo "::: ESM"
node fine-tune.mjs
echo "::: CJS"
node fine-tune.cjs
echo "qlora project done ($(elapsed))"

install_project cli @gft/cli
echo "::: gft --version"
version_line=$(node_modules/.bin/gft --version)
echo "  $version_line"
cli_version=$(awk '$1 == "@gft/cli" { print $2 }' "$WORK/after.txt")
core_version=$(awk '$1 == "@gft/core" { print $2 }' "$WORK/after.txt")
case "$version_line" in
  "gft $cli_version (@gft/core $core_version,"*) ;;
  *) echo "registry-round-trip: gft --version says '$version_line', published @gft/cli $cli_version and @gft/core $core_version" >&2; exit 1 ;;
esac
addon=$(cd node_modules/@gft/native && find prebuilds -name '*.node' -print -quit)
[ -n "$addon" ] || { echo "registry-round-trip: @gft/native arrived without its prebuilt addon" >&2; exit 1; }
cmp -s "node_modules/@gft/native/$addon" "$ROOT/packages/native/$addon" ||
  { echo "registry-round-trip: $addon differs from the addon that was published" >&2; exit 1; }
echo "  @gft/native's prebuilt addon arrived intact ($addon, $(du -h "node_modules/@gft/native/$addon" | cut -f1))"
echo "::: gft bench --preset tiny (every adapter x collator; wasm and cpu-native from the prebuilt addon)"
node "$ROOT/scripts/smoke/smoke.mjs" --gft node_modules/.bin/gft --out "$WORK/smoke" --only bench --backends wasm,cpu-native
echo "cli project done ($(elapsed))"

mapfile -t names < <(awk '{ print $1 }' "$WORK/after.txt")
install_project all "${names[@]}"
echo "::: each package by import and by require"
cp "$ROOT/scripts/registry/consumer/load-all.mjs" .
node load-all.mjs
cd "$ROOT"
echo "registry-round-trip: ok in $(elapsed) (${#PUBLIC[@]} packages versioned and published; installed from the registry alone: QLoRA fine-tune in ESM and CJS, gft bench from @gft/cli, every package by import and require)"
