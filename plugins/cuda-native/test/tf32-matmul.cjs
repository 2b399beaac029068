// Run by simt-device.test.ts in a fresh process (the device reads GFT_CUDA_TF32 when it
// opens): matmuls of several shapes and transposes on the CUDA device against a float64
// reference; prints one JSON line { precision, cases: [{ shape, maxError, maxMagnitude }] }.
const a = require(process.env.GFT_NATIVE_ADDON);
const d = a.openDevice('cuda');
const cases = [];
function lcg(n, seed) {
  let s = seed >>> 0;
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = (s / 2 ** 32) * 2 - 1;
  }
  return v;
}
for (const [M, N, K, ta, tb] of [
  [37, 29, 45, 0, 0],
  [64, 64, 16, 0, 1],
  [130, 70, 200, 1, 0],
  [5, 3, 7, 1, 1],
]) {
  const A = lcg(M * K, 1),
    B = lcg(K * N, 2);
  const ba = a.alloc(d, A.byteLength),
    bb = a.alloc(d, B.byteLength),
    bc = a.alloc(d, M * N * 4);
  a.write(ba, A, 0);
  a.write(bb, B, 0);
  a.run(d, a.kernelId(d, 'matmul'), [ba, bb, bc], new Float64Array([ta, tb, M, N, K, 1, 0, 0]));
  const C = new Float32Array(M * N);
  a.read(bc, C, 0);
  let err = 0,
    mx = 0;
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++)
        s += (ta ? A[k * M + i] : A[i * K + k]) * (tb ? B[j * K + k] : B[k * N + j]);
      err = Math.max(err, Math.abs(s - C[i * N + j]));
      mx = Math.max(mx, Math.abs(s));
    }
  cases.push({ shape: [M, N, K, ta, tb], maxError: err, maxMagnitude: mx });
}
console.log(JSON.stringify({ precision: a.describe(d).matmulPrecision, cases }));
