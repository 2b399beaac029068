// Every dependency of the project this file is copied into (installed from the registry) loads by
// `import` here and by `require` in a child process (one tfjs per process: loading both module
// formats into one process would register its kernels twice), and exports something. Copied
// into the project so that bare names resolve from its node_modules, as its own code would.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const names = Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).dependencies);
const version = (name) =>
  JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')).version;

const failures = [];
for (const name of names) {
  try {
    const mod = await import(name);
    if (Object.keys(mod).length === 0) throw new Error('no exports');
    console.log(`import  ${name}@${version(name)}: ${Object.keys(mod).length} exports`);
  } catch (e) {
    failures.push(`import ${name}: ${e.message}`);
  }
}

const cjs = `
const failures = [];
for (const name of ${JSON.stringify(names)}) {
  try {
    const mod = require(name);
    if (Object.keys(mod).length === 0) throw new Error('no exports');
    console.log('require ' + name + ': ' + Object.keys(mod).length + ' exports');
  } catch (e) {
    failures.push('require ' + name + ': ' + e.message);
  }
}
console.log(JSON.stringify(failures));
`;
const out = execFileSync(process.execPath, ['-e', cjs], { encoding: 'utf8' }).trim().split('\n');
failures.push(...JSON.parse(out.pop()));
console.log(out.join('\n'));

if (failures.length > 0) {
  console.error(`load-all: ${failures.length} failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`load-all: ${names.length} packages load by import and by require`);
