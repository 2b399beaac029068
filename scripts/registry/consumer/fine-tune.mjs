// ESM consumer: `import` of the two packages a user adds.
import * as core from '@gft/core';
import * as qlora from '@gft/plugin-qlora';
import body from './fine-tune-body.cjs';

await body.fineTune({ core, qlora }, 'ESM');
