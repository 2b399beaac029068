/** @gft/cli: the `gft` command as a library (for tests and embedding). */
export {
  CONFIG_FIELDS,
  DEFAULT_CONFIG,
  loadConfig,
  type RunConfig,
  validateConfig,
} from './config.js';
export { gemmaTrainableModel } from './gemma-trainable.js';
export { main } from './main.js';
export { cliRegistry } from './registry.js';
