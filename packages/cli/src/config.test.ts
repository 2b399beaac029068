import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GftError } from '@gft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, loadConfig } from './config.js';

const tmp = mkdtempSync(join(tmpdir(), 'gft-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function errorOf(f: () => unknown): GftError {
  try {
    f();
  } catch (e) {
    if (GftError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a GftError');
}

describe('loadConfig', () => {
  it('merges flags over the file over the defaults, converting flag strings', () => {
    const file = join(tmp, 'ok.json');
    writeFileSync(file, JSON.stringify({ preset: 'tiny', steps: 7, adapters: ['lora'] }));
    const c = loadConfig(file, {
      steps: '9',
      collators: 'padding,varlen-packing',
      swapAverage: 'true',
    });
    expect(c).toEqual({
      ...DEFAULT_CONFIG,
      preset: 'tiny',
      steps: 9,
      adapters: ['lora'],
      collators: ['padding', 'varlen-packing'],
      swapAverage: true,
    });
  });
  it('names the bad field, the file and what it must be', () => {
    const file = join(tmp, 'bad.json');
    writeFileSync(file, JSON.stringify({ batchSize: 0 }));
    const e = errorOf(() => loadConfig(file, {}));
    expect(e.code).toBe('BAD_CONFIG');
    expect(e.where).toBe('batchSize');
    expect(e.message).toContain(`${file}: field 'batchSize' must be an integer >= 1`);
    expect(errorOf(() => loadConfig(undefined, { decay: 'step' })).message).toContain(
      'one of constant, linear, cosine',
    );
  });
  it('rejects unknown fields listing the known ones', () => {
    const file = join(tmp, 'unknown.json');
    writeFileSync(file, JSON.stringify({ lerning_rate: 1 }));
    const e = errorOf(() => loadConfig(file, {}));
    expect(e.message).toMatch(/unknown field 'lerning_rate'; known fields: .*lr,/);
  });
  it('suggests the field a near miss was meant to be', () => {
    const e = errorOf(() => loadConfig(undefined, { batchSize: '2', stpes: '3' }));
    expect(e.message).toMatch(
      /^flags: unknown field 'stpes'; known fields: .*\(did you mean 'steps'\?\)$/,
    );
    expect(e.where).toBe('stpes');
  });
  it('accepts "$schema" (the editor hint) and drops it', () => {
    const file = join(tmp, 'with-schema.json');
    writeFileSync(file, JSON.stringify({ $schema: './config.schema.json', steps: 2 }));
    const c = loadConfig(file, {});
    expect(c.steps).toBe(2);
    expect(c).not.toHaveProperty('$schema');
  });
  it('shows a flag as typed when it does not convert, and names list entries', () => {
    expect(errorOf(() => loadConfig(undefined, { steps: 'ten' })).message).toBe(
      'flags: field \'steps\' must be an integer >= 1 (optimizer steps), got "ten"',
    );
    const file = join(tmp, 'entry.json');
    writeFileSync(file, JSON.stringify({ adapters: ['lora', ''] }));
    const e = errorOf(() => loadConfig(file, {}));
    expect(e.message).toContain(`${file}: field 'adapters.1' must be a non-empty list of names`);
    expect(e.where).toBe('adapters.1');
  });
  it('reports unreadable JSON with the file name', () => {
    const file = join(tmp, 'broken.json');
    writeFileSync(file, '{ "steps": ');
    expect(errorOf(() => loadConfig(file, {})).message).toContain(`cannot read config ${file}`);
  });
});

describe('--model, formerly --checkpoint', () => {
  it('reads the old spelling as --model with a deprecation line, and refuses both disagreeing', () => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) =>
      lines.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      expect(loadConfig(undefined, { checkpoint: 'gemma-2-9b' })).toMatchObject({
        model: 'gemma-2-9b',
      });
      expect(loadConfig(undefined, { checkpoint: 'gemma-2-9b' })).not.toHaveProperty('checkpoint');
      const file = join(tmp, 'old-name.json');
      writeFileSync(file, JSON.stringify({ checkpoint: 'from-file' }));
      expect(loadConfig(file, {}).model).toBe('from-file');
      expect(loadConfig(file, { model: 'flag-wins' }).model).toBe('flag-wins');
    } finally {
      process.stderr.write = write;
    }
    expect(lines[0]).toMatch(/--checkpoint is deprecated; use --model .*--checkpointDir stays/);
    expect(
      lines.some((l) => l.includes(`'checkpoint' in ${join(tmp, 'old-name.json')} is deprecated`)),
    ).toBe(true);
    const both = errorOf(() => loadConfig(undefined, { checkpoint: 'a', model: 'b' }));
    expect(both.message).toMatch(
      /--checkpoint is the old name of --model; give only --model \(got both: "a" and "b"\)/,
    );
    expect(both.where).toBe('checkpoint');
    expect(loadConfig(undefined, { model: 'm' })).toMatchObject({ model: 'm' });
  });
});

describe('a token budget below the default truncation', () => {
  it('truncates to the budget when --maxSequenceLength is not given, and keeps a given one', () => {
    expect(loadConfig(undefined, { maxTokens: '1024' }).maxSequenceLength).toBe(1024);
    expect(
      loadConfig(undefined, { maxTokens: '1024', maxSequenceLength: '4096' }).maxSequenceLength,
    ).toBe(4096);
    expect(loadConfig(undefined, { maxTokens: '16384' }).maxSequenceLength).toBe(
      DEFAULT_CONFIG.maxSequenceLength,
    );
  });
});
