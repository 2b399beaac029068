/** @gft/plugin-full-ft: the full fine-tuning technique (every weight trains). */
export { type FullFineTuneOptions, fullFineTune } from './full-fine-tune.js';
