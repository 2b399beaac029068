#!/usr/bin/env bash
# The prepared check for a GPU machine (H100/H200, CUDA 13, PyTorch + transformers + peft):
# builds the addon's CUDA device for the GPU found, runs the kernel conformance suite and the
# golden fixtures and the runner suite on cuda-native, benchmarks gemma2-9b (random init) on one micro-batch at the
# seed's budget (16,384 tokens of synthetic arena rows) for LoRA, QLoRA and full-ft, packed and
# padded, runs the HF+PEFT peer (../shared/peer/device_peer.py) on the same row lengths in the
# same run, and writes device-check.json and device-check.md to $OUT. Without a GPU it runs the
# conformance suite on the host device instead, so its plumbing is tested anywhere.
#
#   OUT=/tmp/out bash scripts/device-check.sh        # NODE=path/to/node if node is not on PATH
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

if ! command -v "$NODE" >/dev/null; then
  log "no node (set NODE=...): nothing can run"
  exit 1
fi
GPU=0
if command -v nvidia-smi >/dev/null && nvidia-smi -L >"$OUT/gpu.txt" 2>&1; then GPU=1; fi
log "gpu: $([ $GPU = 1 ] && head -1 "$OUT/gpu.txt" || echo none)"
VITEST="$NODE $PWD/node_modules/vitest/vitest.mjs"

if [ $GPU = 1 ]; then
  SM=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d '.')
  stage build 240 env GFT_CUDA_ARCHITECTURES="$SM" GFT_REQUIRE=cuda-build \
    "$NODE" packages/native/scripts/build-addon.mjs --force
  export GFT_REQUIRE=cuda-gpu
  stage conformance 180 bash -c "cd plugins/cuda-native && $VITEST run --project gpu src/conformance.test.ts src/golden.test.ts src/runner.test.ts"
  cp plugins/cuda-native/.vitest/result.json "$OUT/tests.json"
  BENCH_OUT="$OUT/bench"
  stage bench 300 "$NODE" packages/cli/dist/bin.js bench --preset gemma2-9b \
    --adapters lora,qlora,full-ft --collators varlen-packing,padding --backends cuda-native \
    --maxTokens 16384 --maxSequenceLength 4096 --batchSize 32 --steps 1 --warmupSteps 0 \
    --evalRows 0 --allowFailures --out "$BENCH_OUT"
  # The peer trains on the lengths of gft's first loader batch (its rows file).
  LENS=$("$NODE" -e "const r=require('$BENCH_OUT/rows.json');let n=0;const l=[];for(const row of r.train){if(n+row.ids.length>16384)break;n+=row.ids.length;l.push(row.ids.length)}console.log(l.join(','))" 2>/dev/null || echo "")
  if [ -n "$LENS" ] && [ -f ../shared/peer/device_peer.py ]; then
    stage peer 240 python3 ../shared/peer/device_peer.py --preset gemma2-9b --technique lora --lens "$LENS" --steps 2
  else
    log "peer: skipped (no rows file or no ../shared/peer/device_peer.py)"
  fi
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
const tests = read('tests.json') ? JSON.parse(read('tests.json')) : undefined;
const bench = read('bench/bench.jsonl').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const peer = read('peer.log').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const result = {
  gpu: gpu === '1' ? read('gpu.txt').split('\n')[0] : null,
  stages,
  tests: tests && { passed: tests.numPassedTests, failed: tests.numFailedTests, skipped: tests.numPendingTests },
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
