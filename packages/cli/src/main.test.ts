import { describe, expect, it, vi } from 'vitest';
import { main } from './main.js';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += s;
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += s;
    return true;
  });
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('gft', () => {
  it('prints help for every command', async () => {
    for (const cmd of [
      ['bench'],
      ['train'],
      ['eval'],
      ['predict'],
      ['data', 'preview'],
      ['plugins'],
      ['memory'],
    ]) {
      const r = await run([...cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`gft ${cmd.join(' ')}:`);
    }
    expect((await run(['--help'])).out).toContain('Commands:');
  });
  it('exits 2 on usage and config errors, naming the problem', async () => {
    expect(await run([])).toMatchObject({ code: 2 });
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'frobnicate'");
    const flag = await run(['train', '--nope', '1']);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain("'--nope'");
    const bad = await run(['train', '--lr=-1', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.out).error).toMatchObject({ code: 'BAD_CONFIG' });
    expect(JSON.parse(bad.out).error.message).toContain("field 'lr' must be a positive number");
  });
  it('lists discovered plugins of every kind as JSON', async () => {
    const r = await run(['plugins', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { kind: string; name: string; source: string }[];
    const names = list.map((p) => `${p.kind}:${p.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'collator:padding',
        'backend:wasm',
        'collator:varlen-packing',
        'adapter:lora',
      ]),
    );
    expect(list.find((p) => p.name === 'varlen-packing')?.source).toBe(
      '@gft/plugin-varlen-packing',
    );
  });
  it('fails with exit code 1 and the reason for an unknown plugin name', async () => {
    const r = await run(['eval', '--adapter', 'dora', '--preset', 'tiny']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /PLUGIN_UNKNOWN: unknown adapter plugin 'dora'; known adapter plugins: .*lora/,
    );
  });
});
