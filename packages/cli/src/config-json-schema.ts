/**
 * The JSON Schema of `--config` files, generated from the valibot schema (config-schema.ts)
 * so that editors complete and check config files with the same rules `gft` applies. The
 * package ships it as config.schema.json; config-json-schema.test.ts fails when that copy
 * is stale.
 */
import { toJsonSchema } from '@valibot/to-json-schema';
import { runConfigFileSchema, UNIQUE_ITEMS_CHECKS } from './config-schema.js';

/** Where a config file's `"$schema"` can point once @gft/cli is installed in the project. */
export const CONFIG_SCHEMA_PATH = './node_modules/@gft/cli/config.schema.json';

export function configJsonSchema(): Record<string, unknown> {
  const schema = toJsonSchema(runConfigFileSchema, {
    // `finite` has no JSON Schema keyword, and needs none: JSON numbers are finite. The
    // `kind` metadata is the flag parser's, not an editor's.
    ignoreActions: ['finite', 'metadata'],
    errorMode: 'throw',
    // The one custom schema is `adapterOptions`, a JSON object (config-schema.ts).
    overrideSchema: ({ valibotSchema }) =>
      valibotSchema.type === 'custom' ? { type: 'object' } : undefined,
    overrideAction: ({ valibotAction, jsonSchema }) =>
      UNIQUE_ITEMS_CHECKS.has(valibotAction) ? { ...jsonSchema, uniqueItems: true } : undefined,
  });
  return {
    ...schema,
    title: 'gft run config (--config FILE.json)',
    description: `Fields of 'gft <command> --config FILE.json'; flags of the same names override them. Point "$schema" here for completion: "${CONFIG_SCHEMA_PATH}".`,
  };
}
