/**
 * The device kit's stand-in for the CLI's shipped-plugins.ts: the same plugins, imported
 * statically so esbuild bundles them (the CLI finds them by reading package.json files in
 * node_modules, which a bundle carried to a GPU machine does not have). Each package's own
 * "gft.plugins" declarations name the plugins and their exports, as in a real install.
 */
import { join } from 'node:path';
import type { PluginEntry, PluginFactory, PluginKind } from '@gft/core';
import * as cpuNative from '@gft/plugin-cpu-native';
import cpuNativePkg from '@gft/plugin-cpu-native/package.json';
import * as cudaNative from '@gft/plugin-cuda-native';
import cudaNativePkg from '@gft/plugin-cuda-native/package.json';
import * as fullFt from '@gft/plugin-full-ft';
import fullFtPkg from '@gft/plugin-full-ft/package.json';
import * as lora from '@gft/plugin-lora';
import loraPkg from '@gft/plugin-lora/package.json';
import * as qlora from '@gft/plugin-qlora';
import qloraPkg from '@gft/plugin-qlora/package.json';
import * as varlenPacking from '@gft/plugin-varlen-packing';
import varlenPackingPkg from '@gft/plugin-varlen-packing/package.json';
import * as tokenizerGemma from '@gft/tokenizer-gemma';
import tokenizerGemmaPkg from '@gft/tokenizer-gemma/package.json';
import cliPkg from '../../packages/cli/package.json';
import type { ShippedPlugins } from '../../packages/cli/src/shipped-plugins.js';

interface Announced {
  name: string;
  version: string;
  gft: { plugins: { kind: string; name: string; export: string; description?: string }[] };
}

const PACKAGES: [Announced, Record<string, unknown>][] = [
  [cpuNativePkg, cpuNative],
  [cudaNativePkg, cudaNative],
  [fullFtPkg, fullFt],
  [loraPkg, lora],
  [qloraPkg, qlora],
  [varlenPackingPkg, varlenPacking],
  [tokenizerGemmaPkg, tokenizerGemma],
] as [Announced, Record<string, unknown>][];

// The kit carries the Gemma-2 tokenizer.json beside the bundle (the package's copy is not
// bundled: it is read from disk by path).
const KIT_TOKENIZER = join(__dirname, 'tokenizer.json');

function loadExport(mod: Record<string, unknown>, name: string): PluginFactory {
  if (mod === tokenizerGemma && name === 'gemmaTokenizer') {
    return ((options: tokenizerGemma.GemmaTokenizerOptions = {}) =>
      tokenizerGemma.gemmaTokenizer({ file: KIT_TOKENIZER, ...options })) as PluginFactory;
  }
  return mod[name] as PluginFactory;
}

export function cliPackageDir(): string {
  return __dirname;
}

export function shippedPlugins(): ShippedPlugins {
  const entries: PluginEntry[] = PACKAGES.flatMap(([pkg, mod]) =>
    pkg.gft.plugins.map((decl) => ({
      kind: decl.kind as PluginKind,
      name: decl.name,
      source: pkg.name,
      version: pkg.version,
      description: decl.description,
      load: async () => loadExport(mod, decl.export),
    })),
  );
  return {
    cli: { name: cliPkg.name, version: cliPkg.version },
    entries,
    packages: PACKAGES.map(([pkg]) => pkg.name),
    notInstalled: ['@gft/plugin-webgpu'],
  };
}
