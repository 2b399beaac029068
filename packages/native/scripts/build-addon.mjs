#!/usr/bin/env node
// Builds the addon with cmake-js into build/Release and copies it to prebuilds/<platform>-<arch>
// (the node-gyp-build layout the published package ships). A machine without a compiler,
// cmake or OpenBLAS still builds the rest of gft: this prints one line saying why and exits 0,
// and gft runs on wasm. `GFT_REQUIRE` naming `cpu-native` (or `all`) turns that into a failure.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const required = (process.env.GFT_REQUIRE ?? '')
  .split(',')
  .map((s) => s.trim())
  .some((s) => s === 'cpu-native' || s === 'all');
const force = process.argv.includes('--force');
const built = join(root, 'build', 'Release', 'gft_native.node');
const prebuilt = join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'node.napi.node');

function fail(reason) {
  const line = `@gft/native: the addon was not built (${reason}); gft will run on wasm`;
  if (required) {
    console.error(`${line}\nGFT_REQUIRE names cpu-native, so this is an error.`);
    process.exit(1);
  }
  console.warn(line);
  rmSync(prebuilt, { force: true });
  process.exit(0);
}

if (process.env.GFT_NATIVE_SKIP_BUILD === '1') fail('GFT_NATIVE_SKIP_BUILD=1');
const cmakeJs = join(root, 'node_modules', '.bin', 'cmake-js');
if (!existsSync(cmakeJs)) fail('cmake-js is not installed');
if (spawnSync('cmake', ['--version'], { stdio: 'ignore' }).status !== 0) fail('cmake not found');

const args = ['compile', '--out', 'build', '--config', 'Release', '--parallel', '2'];
if (force) args.push('--clean');
// e.g. GFT_CUDA_ARCHITECTURES=90 on an H100/H200 builds the CUDA device for that GPU only.
if (process.env.GFT_CUDA_ARCHITECTURES) {
  args.push(`--CDGFT_CUDA_ARCHITECTURES=${process.env.GFT_CUDA_ARCHITECTURES}`);
}
const started = Date.now();
const result = spawnSync(cmakeJs, args, { cwd: root, encoding: 'utf8' });
if (result.status !== 0 || !existsSync(built)) {
  const log = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const hint =
    log.match(/cblas\.h not found[^\n]*/)?.[0] ??
    log.match(/Could NOT find BLAS[^\n]*/)?.[0] ??
    log.match(/error:[^\n]*/)?.[0] ??
    `cmake-js exited with ${result.status}`;
  if (process.env.GFT_NATIVE_VERBOSE === '1' || required) console.error(log);
  fail(hint.trim());
}
mkdirSync(dirname(prebuilt), { recursive: true });
copyFileSync(built, prebuilt);
// GFT_REQUIRE naming cuda-build (CI): the CUDA device must be in the addon, so a machine with
// nvcc compiles it on every run.
const requireCuda = (process.env.GFT_REQUIRE ?? '')
  .split(',')
  .some((s) => ['cuda-build', 'all'].includes(s.trim()));
const devices = createRequire(import.meta.url)(prebuilt).listDevices();
if (requireCuda && !devices.includes('cuda')) {
  console.error(
    '@gft/native: GFT_REQUIRE names cuda-build, but the addon has no CUDA device (was nvcc found? see the cmake output)',
  );
  process.exit(1);
}
console.log(
  `@gft/native: addon built in ${((Date.now() - started) / 1000).toFixed(1)} s (devices: ${devices.join(', ')})`,
);
