#!/usr/bin/env bash
# The prepared check for a GPU machine (H100/H200, CUDA 13, PyTorch + transformers + peft):
# builds the addon's CUDA device for the GPU found, runs the kernel conformance suite and the
# golden fixtures and the runner suite on cuda-native, benchmarks gemma2-9b (random init) on one micro-batch at the
# seed's budget (16,384 tokens of synthetic arena rows) for LoRA, QLoRA and full-ft, packed and
# padded, runs the HF+PEFT peer (../shared/peer/device_peer.py) on the same row lengths in the
# same run, and writes device-check.json and device-check.md to $OUT. Without a GPU it runs the
# conformance suite on the host device instead, so its plumbing is tested anywhere (CI runs it
# from the repository and from the device kit).
#
#   OUT=/tmp/out bash scripts/device-check.sh        # NODE=path/to/node if node is not on PATH
#
# A GPU machine without Node, or without the repository's node_modules (the lent one has no
# network), runs from the device kit instead: `node scripts/device-kit/build.mjs` here makes
# device-kit/ (Node, gft bundled into one file, the addon built by nvcc for sm_90, the
# tokenizer; about 32 MiB) and it travels with the working tree. Then the conformance stage is
# the kit's `gft conformance` (the vitest suites need node_modules) and nothing is compiled.
#
# Budget: under 8 minutes on the GPU machine (each stage has its own timeout).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/device-check-out}
mkdir -p "$OUT"
NODE=${NODE:-node}
started=$(date +%s)
log() { echo "::: [$(($(date +%s) - started)) s] $*" | tee -a "$OUT/log.txt"; }
stage() { # name timeout command...: runs one stage, records its exit status, never aborts
  local name=$1 limit=$2
  shift 2
  log "$name"
  timeout "$limit" "$@" >"$OUT/$name.log" 2>&1
  local rc=$?
  echo "{\"stage\": \"$name\", \"exit\": $rc}" >>"$OUT/stages.jsonl"
  log "$name: exit $rc"
  return 0
}
: >"$OUT/stages.jsonl"

# The device kit, when node or node_modules are missing and the kit is there.
KIT=0
if [ -d device-kit ] && { ! command -v "$NODE" >/dev/null || [ ! -d node_modules ]; }; then
  KIT=1
  unxz() { # file.xz: decompressed beside it (xz, else Python's lzma)
    [ -f "${1%.xz}" ] && return 0
    if command -v xz >/dev/null; then xz -dk "$1"; else python3 -c "import lzma,shutil,sys;shutil.copyfileobj(lzma.open(sys.argv[1]),open(sys.argv[1][:-3],'wb'))" "$1"; fi
  }
  for f in device-kit/node.xz device-kit/gft_native.node.xz device-kit/tokenizer.json.xz; do unxz "$f"; done
  chmod +x device-kit/node
  NODE=$PWD/device-kit/node
  export GFT_NATIVE_ADDON=$PWD/device-kit/gft_native.node
fi
if ! command -v "$NODE" >/dev/null; then
  log "no node (set NODE=..., or carry device-kit/: node scripts/device-kit/build.mjs): nothing can run"
  exit 1
fi
GFT=$([ $KIT = 1 ] && echo "$PWD/device-kit/gft.mjs" || echo "$PWD/packages/cli/dist/bin.js")
# The kit's bundle cannot start tokenizer workers (they import packages by name).
WORKERS=$([ $KIT = 1 ] && echo "--numWorkers 0" || echo "")
log "running from: $([ $KIT = 1 ] && echo "the device kit" || echo "the repository")"
GPU=0
if command -v nvidia-smi >/dev/null && nvidia-smi -L >"$OUT/gpu.txt" 2>&1; then GPU=1; fi
log "gpu: $([ $GPU = 1 ] && head -1 "$OUT/gpu.txt" || echo none)"
VITEST="$NODE $PWD/node_modules/vitest/vitest.mjs"

if [ $GPU = 1 ]; then
  if [ $KIT = 1 ]; then
    log "build: the kit's addon (built for sm_90 by nvcc where the kit was made)"
    export GFT_REQUIRE=cuda-gpu
    stage conformance 180 "$NODE" "$GFT" conformance --backend cuda-native
    grep '^{' "$OUT/conformance.log" | tail -1 >"$OUT/conformance.json"
  else
    SM=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d '.')
    stage build 240 env GFT_CUDA_ARCHITECTURES="$SM" GFT_REQUIRE=cuda-build \
      "$NODE" packages/native/scripts/build-addon.mjs --force
    export GFT_REQUIRE=cuda-gpu
    stage conformance 180 bash -c "cd plugins/cuda-native && $VITEST run --project gpu src/conformance.test.ts src/golden.test.ts src/runner.test.ts"
    cp plugins/cuda-native/.vitest/result.json "$OUT/tests.json"
  fi
  BENCH_OUT="$OUT/bench"
  stage bench 300 "$NODE" "$GFT" bench --preset gemma2-9b \
    --adapters lora,qlora,full-ft --collators varlen-packing,padding --backends cuda-native \
    --maxTokens 16384 --maxSequenceLength 4096 --batchSize 32 --steps 1 --warmupSteps 0 \
    --evalRows 0 --allowFailures $WORKERS --out "$BENCH_OUT"
  # The peer trains on the lengths of gft's first loader batch (its rows file).
  LENS=$("$NODE" -e "const r=require('$BENCH_OUT/rows.json');let n=0;const l=[];for(const row of r.train){if(n+row.ids.length>16384)break;n+=row.ids.length;l.push(row.ids.length)}console.log(l.join(','))" 2>/dev/null || echo "")
  if [ -n "$LENS" ] && [ -f ../shared/peer/device_peer.py ]; then
    stage peer 240 python3 ../shared/peer/device_peer.py --preset gemma2-9b --technique lora --lens "$LENS" --steps 2
  else
    log "peer: skipped (no rows file or no ../shared/peer/device_peer.py)"
  fi
elif [ $KIT = 1 ]; then
  stage conformance 300 "$NODE" "$GFT" conformance --backend cpu-native
  grep '^{' "$OUT/conformance.log" | tail -1 >"$OUT/conformance.json"
else
  stage conformance 300 bash -c "cd plugins/cpu-native && $VITEST run src/conformance.test.ts"
  cp plugins/cpu-native/.vitest/result.json "$OUT/tests.json"
fi

"$NODE" - "$OUT" "$GPU" <<'JS'
const fs = require('node:fs');
const path = require('node:path');
const [out, gpu] = process.argv.slice(2);
const read = (f) => (fs.existsSync(path.join(out, f)) ? fs.readFileSync(path.join(out, f), 'utf8') : '');
const stages = read('stages.jsonl').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const vitest = read('tests.json') ? JSON.parse(read('tests.json')) : undefined;
const kit = read('conformance.json') ? JSON.parse(read('conformance.json')) : undefined;
const tests = vitest
  ? { numPassedTests: vitest.numPassedTests, numFailedTests: vitest.numFailedTests, numPendingTests: vitest.numPendingTests }
  : kit && { numPassedTests: kit.passed, numFailedTests: kit.failed, numPendingTests: 0, failures: kit.failures, describe: kit.describe };
const bench = read('bench/bench.jsonl').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const peer = read('peer.log').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const result = {
  gpu: gpu === '1' ? read('gpu.txt').split('\n')[0] : null,
  stages,
  tests: tests && { passed: tests.numPassedTests, failed: tests.numFailedTests, skipped: tests.numPendingTests, failures: tests.failures, device: tests.describe },
  bench: bench.map((r) => ({
    cell: r.cell.id,
    ok: r.ok,
    error: r.error,
    tokensPerSecond: r.summary?.realTokensPerSecond,
    stepMs: r.summary?.stepMsP50,
    peakBackendBytes: r.summary?.peakBackendBytes,
    predictedPeakBytes: r.predictedMemory?.peakBytes,
  })),
  peer,
};
fs.writeFileSync(path.join(out, 'device-check.json'), `${JSON.stringify(result, null, 2)}\n`);
const lines = [
  `# device check (${result.gpu ?? 'no GPU: host-device plumbing only'})`,
  '',
  ...stages.map((s) => `- ${s.stage}: exit ${s.exit}`),
  result.tests ? `- tests: ${result.tests.passed} passed, ${result.tests.failed} failed, ${result.tests.skipped} skipped` : '- tests: no report',
  ...result.bench.map((b) => `- ${b.cell}: ${b.ok ? `${b.tokensPerSecond?.toFixed(0)} tok/s, step ${(b.stepMs / 1000).toFixed(1)} s` : `failed ${b.error?.code}`}`),
  ...peer.map((p) => `- peer ${JSON.stringify(p)}`),
];
fs.writeFileSync(path.join(out, 'device-check.md'), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
JS
log "done"
