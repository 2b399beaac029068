import { describe, expect, it } from 'vitest';
import type { Adapter } from '../adapter.js';
import type { Backend } from '../backend.js';
import { GftError } from '../errors/gft-error.js';
import { hfTokenizer } from '../tokenizers/hf-tokenizer.js';
import { createPluginRegistry } from './registry.js';
import { resolvePluginSet } from './resolve.js';

function adapter(name = 'test-adapter', extra: Partial<Adapter> = {}): Adapter {
  return {
    kind: 'adapter',
    name,
    linear: () => {
      throw new Error('not used by resolution');
    },
    trainsParam: () => false,
    estimateLinear: () => ({ frozenBytes: 0, trainableParams: 0 }),
    ...extra,
  };
}

const tokenizer = hfTokenizer({ json: {}, name: 'inline' });

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (GftError.isInstance(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('expected a GftError');
}

describe('resolvePluginSet', () => {
  it('fills the default collator and backend', () => {
    const set = resolvePluginSet([adapter(), tokenizer]);
    expect(set.collator.name).toBe('padding');
    expect(set.backend.name).toBe('wasm');
    expect(set.adapter.name).toBe('test-adapter');
  });

  it('takes the checkpoint tokenizer.json as the default tokenizer', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'gft-ckpt-'));
    writeFileSync(join(dir, 'tokenizer.json'), '{}');
    const set = resolvePluginSet([adapter()], { checkpointDir: dir });
    expect(set.tokenizer.name).toBe('hf');
  });

  it('refuses a set without an adapter, listing the known ones', () => {
    const registry = createPluginRegistry([
      { kind: 'adapter', name: 'lora', source: 'x', load: () => () => adapter('lora') },
      { kind: 'adapter', name: 'qlora', source: 'y', load: () => () => adapter('qlora') },
    ]);
    const msg = code(() => resolvePluginSet([tokenizer], { registry }));
    expect(msg).toMatch(/^PLUGIN_MISSING: no adapter plugin/);
    expect(msg).toContain('lora, qlora');
  });

  it('refuses a missing tokenizer with no checkpoint to take one from', () => {
    expect(code(() => resolvePluginSet([adapter()]))).toMatch(
      /^PLUGIN_MISSING: no tokenizer plugin, and no checkpoint directory/,
    );
    expect(code(() => resolvePluginSet([adapter()], { checkpointDir: '/nonexistent' }))).toMatch(
      /\/nonexistent\/tokenizer.json does not exist/,
    );
  });

  it('refuses two plugins of one kind, naming both', () => {
    const msg = code(() => resolvePluginSet([adapter('lora'), adapter('qlora'), tokenizer]));
    expect(msg).toBe(
      "PLUGIN_DUPLICATE: two adapter plugins given: 'lora' and 'qlora'; a plugin set has exactly one of each kind",
    );
  });

  it('refuses a factory passed instead of a plugin object', () => {
    expect(code(() => resolvePluginSet([adapter, tokenizer]))).toMatch(
      /PLUGIN_INVALID: plugins\[0\] is not a plugin.*factory/,
    );
  });

  it('refuses a plugin written for a newer contract', () => {
    expect(code(() => resolvePluginSet([adapter('x', { apiVersion: 99 }), tokenizer]))).toMatch(
      /PLUGIN_INCOMPATIBLE: adapter plugin 'x' needs plugin API 99/,
    );
  });

  it('refuses a combination a plugin declares it cannot serve', () => {
    const picky = adapter('picky', {
      checkSet: (set) => (set.collator.layout === 'padded' ? 'needs a packed collator' : undefined),
    });
    expect(code(() => resolvePluginSet([picky, tokenizer]))).toBe(
      "PLUGIN_INCOMPATIBLE: adapter plugin 'picky' cannot serve this set (tokenizer=inline collator=padding adapter=picky backend=wasm): needs a packed collator",
    );
  });

  it('refuses a backend that cannot run a kernel the technique needs', () => {
    const backend: Backend = {
      kind: 'backend',
      name: 'tiny-gpu',
      tfBackend: 'cpu',
      setup: async () => {},
      unsupportedKernels: ['GftNf4MatMul'],
    };
    const needy = adapter('qlora', { requiresKernels: ['GftNf4MatMul'] });
    expect(code(() => resolvePluginSet([needy, tokenizer, backend]))).toBe(
      "PLUGIN_INCOMPATIBLE: adapter 'qlora' needs kernel(s) GftNf4MatMul, which backend 'tiny-gpu' cannot run",
    );
  });
});
