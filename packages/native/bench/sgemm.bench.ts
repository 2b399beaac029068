/**
 * sgemm through the addon (tf.matMul on cpu-native: tfjs dispatch, output allocation, the
 * native kernel, OpenBLAS) against OpenBLAS called directly from a small C program compiled
 * here, same shapes, same thread count, same run. The aim is >= 0.9x: the engine's overhead
 * on a matmul must be small next to the matmul itself.
 * Run: pnpm --filter @gft/native bench   (GFT_BENCH_THREADS to set threads; default: every core)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerTfjsCpu, tf } from '@gft/core';
import { registerNativeBackend } from '../src/index.js';

const THREADS = Number(process.env.GFT_BENCH_THREADS ?? cpus().length);
/** [M, K, N, transposeA, transposeB]: square, a projection's forward, and its two gradients. */
const SHAPES: Array<[number, number, number, boolean, boolean]> = [
  [1024, 1024, 1024, false, false],
  [4096, 256, 1024, false, false],
  [4096, 1024, 256, false, true],
  [1024, 4096, 256, true, false],
];
const REPS = 7;

const C_SOURCE = `
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static int cmp(const void* a, const void* b) { double x = *(const double*)a, y = *(const double*)b; return x < y ? -1 : x > y; }
int main(int argc, char** argv) {
  int M = atoi(argv[1]), K = atoi(argv[2]), N = atoi(argv[3]), ta = atoi(argv[4]), tb = atoi(argv[5]), reps = atoi(argv[6]);
  openblas_set_num_threads(atoi(argv[7]));
  float* A = malloc(sizeof(float) * M * K); float* B = malloc(sizeof(float) * K * N); float* C = malloc(sizeof(float) * M * N);
  for (long i = 0; i < (long)M * K; i++) A[i] = (float)(i % 7) / 7;
  for (long i = 0; i < (long)K * N; i++) B[i] = (float)(i % 5) / 5;
  double t[64];
  for (int r = 0; r <= reps; r++) {
    double t0 = now();
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, A, ta ? M : K, B, tb ? K : N, 0.0f, C, N);
    if (r > 0) t[r - 1] = now() - t0;
  }
  qsort(t, reps, sizeof(double), cmp);
  printf("%f\\n", t[reps / 2]);
  return 0;
}`;

function compileDirect(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'gft-sgemm-'));
  writeFileSync(join(dir, 'sgemm.c'), C_SOURCE);
  const exe = join(dir, 'sgemm');
  const r = spawnSync('cc', [
    '-O2',
    '-I/usr/include/x86_64-linux-gnu/openblas-pthread',
    join(dir, 'sgemm.c'),
    '-o',
    exe,
    '-lopenblas',
  ]);
  return r.status === 0 ? exe : undefined;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  await registerTfjsCpu();
  registerNativeBackend({ backendName: 'cpu-native', deviceName: 'host', threads: THREADS });
  await tf.setBackend('cpu-native');
  const direct = compileDirect();
  console.log(
    `sgemm, ${THREADS} threads, load average ${loadavg()[0].toFixed(2)} on ${cpus().length} CPUs; medians of ${REPS}`,
  );
  console.log('| M x K x N | op | addon GFLOP/s | OpenBLAS direct GFLOP/s | addon / direct |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  for (const [M, K, N, ta, tb] of SHAPES) {
    const a = tf.randomNormal(ta ? [K, M] : [M, K]) as tf.Tensor2D;
    const b = tf.randomNormal(tb ? [N, K] : [K, N]) as tf.Tensor2D;
    const times: number[] = [];
    for (let r = 0; r <= REPS; r++) {
      const t0 = performance.now();
      // The host device runs kernels synchronously: the call returns when C is written.
      const c = tf.matMul(a, b, ta, tb);
      const t = performance.now() - t0;
      c.dispose();
      if (r > 0) times.push(t);
    }
    tf.dispose([a, b]);
    const flops = 2 * M * K * N;
    const addon = flops / median(times) / 1e6;
    let directGflops = Number.NaN;
    if (direct) {
      const out = execFileSync(
        direct,
        [M, K, N, ta ? 1 : 0, tb ? 1 : 0, REPS, THREADS].map(String),
        {
          encoding: 'utf8',
        },
      );
      directGflops = flops / Number(out.trim()) / 1e6;
    }
    const op = `${ta ? 'Aᵀ' : 'A'}·${tb ? 'Bᵀ' : 'B'}`;
    console.log(
      `| ${M} x ${K} x ${N} | ${op} | ${addon.toFixed(1)} | ${direct ? directGflops.toFixed(1) : 'not compiled'} | ${direct ? `${(addon / directGflops).toFixed(2)}x` : '-'} |`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
