import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { GftError } from './gft-error.js';
import { parseConfig } from './schema-error.js';

const schema = v.strictObject(
  {
    lr: v.optional(v.pipe(v.number('a positive number'), v.gtValue(0, 'a positive number'))),
    lora: v.optional(
      v.strictObject({
        r: v.pipe(v.number('a positive integer'), v.integer('a positive integer')),
      }),
    ),
  },
  'a JSON object',
);

function errorOf(input: unknown, style = { source: 'run.json' }): GftError {
  try {
    parseConfig(schema, input, style);
  } catch (e) {
    if (GftError.isInstance(e)) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('parseConfig', () => {
  it('returns the parsed value', () => {
    expect(parseConfig(schema, { lr: 1, lora: { r: 4 } }, { source: 's' })).toEqual({
      lr: 1,
      lora: { r: 4 },
    });
  });
  it('names the source, the dotted field, what it must be and what it holds', () => {
    const e = errorOf({ lora: { r: 1.5 } });
    expect(e.code).toBe('BAD_CONFIG');
    expect(e.message).toBe("run.json: field 'lora.r' must be a positive integer, got 1.5");
    expect(e.where).toBe('run.json#lora.r');
  });
  it('says a required field is absent, with what it must be', () => {
    expect(errorOf({ lora: {} }).message).toBe(
      "run.json: field 'lora.r' must be a positive integer, got nothing (field absent)",
    );
  });
  it('lists the known keys of the object an unknown key is in, with the likeliest meant', () => {
    expect(errorOf({ lora: { r: 2, rr: 3 } }).message).toBe(
      "run.json: unknown field 'lora.rr'; known fields: r (did you mean 'r'?)",
    );
    expect(errorOf({ learning_rate: 1 }).message).toBe(
      "run.json: unknown field 'learning_rate'; known fields: lora, lr",
    );
  });
  it('a value that is not an object names the source alone', () => {
    const e = errorOf([1]);
    expect(e.message).toBe('run.json: must be a JSON object, got [1]');
    expect(e.where).toBe('run.json');
  });
  it('follows the style: field label, where and unknown-key text', () => {
    const e = errorOf({ lr: -1 }, {
      source: 'lora',
      field: (path: string) => `option '${path}'`,
      where: (path: string) => path,
    } as never);
    expect(e.message).toBe("lora: option 'lr' must be a positive number, got -1");
    expect(e.where).toBe('lr');
  });
});
