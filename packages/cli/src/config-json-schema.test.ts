import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from './config-json-schema.js';
import { CONFIG_FIELDS } from './config-schema.js';

const SHIPPED = fileURLToPath(new URL('../config.schema.json', import.meta.url));

describe('config.schema.json', () => {
  it('is what the schema generates (regenerate: node dist/bin.js config schema > config.schema.json)', () => {
    expect(JSON.parse(readFileSync(SHIPPED, 'utf8'))).toEqual(configJsonSchema());
  });

  it('describes every field, rejects others and allows "$schema"', () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { description?: string }>;
      additionalProperties: unknown;
    };
    expect(Object.keys(schema.properties).sort()).toEqual(
      ['$schema', ...Object.keys(CONFIG_FIELDS)].sort(),
    );
    for (const [field, { help }] of Object.entries(CONFIG_FIELDS)) {
      expect(schema.properties[field].description, field).toBe(help);
    }
    expect(schema.additionalProperties).toBe(false);
  });
});
