#!/usr/bin/env node
// Builds the SIMT test addon (CMake option GFT_SIMT: the CUDA device's sources compiled by g++
// for the CPU emulator in native/simt/) into build-simt/Release/gft_native.node. Tests load it
// through GFT_NATIVE_ADDON to run cuda-native's conformance and golden suites without a GPU.
// Never published. A machine without cmake or a compiler prints why and exits 0, unless
// GFT_REQUIRE names cuda-simt (CI), where that is an error.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const required = (process.env.GFT_REQUIRE ?? '')
  .split(',')
  .some((s) => ['cuda-simt', 'all'].includes(s.trim()));
const built = join(root, 'build-simt', 'Release', 'gft_native.node');

function fail(reason) {
  const line = `@gft/native: the SIMT test addon was not built (${reason}); cuda-native's kernel suites will skip`;
  if (required) {
    console.error(`${line}\nGFT_REQUIRE names cuda-simt, so this is an error.`);
    process.exit(1);
  }
  console.warn(line);
  process.exit(0);
}

if (process.env.GFT_NATIVE_SKIP_BUILD === '1') fail('GFT_NATIVE_SKIP_BUILD=1');
const cmakeJs = join(root, 'node_modules', '.bin', 'cmake-js');
if (!existsSync(cmakeJs)) fail('cmake-js is not installed');
if (spawnSync('cmake', ['--version'], { stdio: 'ignore' }).status !== 0) fail('cmake not found');
const started = Date.now();
const args = [
  'compile',
  '--out',
  'build-simt',
  '--config',
  'Release',
  '--parallel',
  '2',
  '--CDGFT_SIMT=ON',
];
if (process.argv.includes('--force')) args.push('--clean');
const result = spawnSync(cmakeJs, args, { cwd: root, encoding: 'utf8' });
if (result.status !== 0 || !existsSync(built)) {
  const log = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  if (process.env.GFT_NATIVE_VERBOSE === '1' || required) console.error(log);
  fail((log.match(/error:[^\n]*/)?.[0] ?? `cmake-js exited with ${result.status}`).trim());
}
console.log(
  `@gft/native: SIMT test addon built in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
