// CJS consumer: `require` of the two packages a user adds.
const core = require('@gft/core');
const qlora = require('@gft/plugin-qlora');
const { fineTune } = require('./fine-tune-body.cjs');

fineTune({ core, qlora }, 'CJS').catch((e) => {
  console.error(e);
  process.exit(1);
});
