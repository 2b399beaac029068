/** @gft/cli: the `gft` command as a library (for tests and embedding). */

/** Moved to @gft/gemma; re-exported so existing imports keep working. */
export { gemmaTrainableModel } from '@gft/gemma';
export {
  CONFIG_FIELDS,
  type ConfigField,
  DEFAULT_CONFIG,
  type Kind as ConfigFieldKind,
  loadConfig,
  type RunConfig,
  type RunConfigInput,
  validateConfig,
} from './config.js';
export { CONFIG_SCHEMA_PATH, configJsonSchema } from './config-json-schema.js';
export { runConfigFileSchema, runConfigSchema } from './config-schema.js';
export { main } from './main.js';
export { cliRegistry } from './registry.js';
