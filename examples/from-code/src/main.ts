/** `pnpm start [checkpoint dir]`: the fine-tune on a Gemma-2 folder, by default the fixture. */
import { join } from 'node:path';
import { goldenFixturesDir } from '@gft/core/testing';
import { fineTune } from './fine-tune.js';

await fineTune(process.argv[2] ?? join(goldenFixturesDir(), 'tiny-gemma2'));
