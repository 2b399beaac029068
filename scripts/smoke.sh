#!/usr/bin/env bash
# Smoke run of the workspace's built `gft` (packages/cli/dist) as the README uses it: `gft bench`
# over every adapter x collator x usable backend on `--preset tiny`, then `gft train` with a
# checkpoint folder and `gft predict` from it into a submission CSV. scripts/smoke/smoke.mjs
# runs the commands and checks what they wrote; any failed cell or bad row fails this script.
# Needs built packages (`pnpm build`). Extra arguments go to smoke.mjs (`--only bench`).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f packages/cli/dist/bin.js ]; then
  echo "smoke: packages/cli/dist/bin.js is missing; run pnpm build first" >&2
  exit 1
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gft-smoke-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
node scripts/smoke/smoke.mjs --gft packages/cli/dist/bin.js --out "$WORK" "$@"
