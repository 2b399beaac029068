#!/usr/bin/env node
/**
 * Type-checks the examples in the package READMEs, so they cannot drift from the API.
 *
 * Every publishable package under packages/ and plugins/ must have a README.md with at least one
 * ```ts block, and its blocks together must import the package itself. Each block becomes a file
 * in `.readme-examples/` (ignored by git), where `node_modules/@gft/*` link to the workspace's
 * packages, so imports resolve through each package's `exports` map to its built types, as they
 * would for a user. `tsc --noEmit` checks them all in strict mode. An error is printed as
 * `README:line`, followed by the block it is in. Blocks that cannot be checked (shell, JSON,
 * fragments) are fenced as something other than ts. Relative links must reach a file, and each
 * README links to its page of the API reference (`pnpm api-docs`).
 *
 * Not here: running the examples (they may need a model, data or a GPU). Needs `pnpm build`.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const work = join(root, '.readme-examples');

/** Publishable workspace packages: { dir, name }. */
function packages() {
  const found = [];
  for (const group of ['packages', 'plugins']) {
    for (const entry of readdirSync(join(root, group)).sort()) {
      const dir = join(root, group, entry);
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (!pkg.private) found.push({ dir, name: pkg.name });
    }
  }
  return found;
}

/** The ```ts / ```typescript blocks of a Markdown text, with the line of their first code line. */
function tsBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  let open;
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) {
      if (fence) open = { marker: fence[2], lang: fence[3], start: i + 2, code: [] };
    } else if (fence?.[3] === '' && fence[2].startsWith(open.marker)) {
      if (open.lang === 'ts' || open.lang === 'typescript') blocks.push(open);
      open = undefined;
    } else {
      open.code.push(lines[i]);
    }
  }
  return blocks.map(({ start, code }) => ({ start, code: code.join('\n') }));
}

/**
 * Relative links must reach a file in the repository, except the API reference, which exists
 * only after `pnpm api-docs`: that link must name this package's page as typedoc lays it out.
 */
function linkProblems(markdown, dir, shown, name) {
  const found = [];
  const apiPage = `docs/api/modules/${name.replace('@', '_').replace('/', '_')}.html`;
  if (!markdown.includes(apiPage)) found.push(`${shown}: no link to its API page ${apiPage}`);
  for (const [, target] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/.test(target) || target.startsWith('#')) continue;
    const path = target.split('#')[0];
    if (path.includes('docs/api/')) continue;
    if (!existsSync(join(dir, path))) found.push(`${shown}: broken link ${target}`);
  }
  return found;
}

const problems = [];
const all = packages();
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'node_modules', '@gft'), { recursive: true });

const files = new Map(); // example file -> { readme, block }
for (const { dir, name } of all) {
  const readme = join(dir, 'README.md');
  const shown = relative(root, readme);
  if (!existsSync(join(dir, 'dist'))) {
    problems.push(`${relative(root, dir)}/dist is missing: run 'pnpm build' first`);
    continue;
  }
  symlinkSync(dir, join(work, 'node_modules', ...name.split('/')), 'dir');
  if (!existsSync(readme)) {
    problems.push(`${shown}: missing (every publishable package has a README with an example)`);
    continue;
  }
  const markdown = readFileSync(readme, 'utf8');
  problems.push(...linkProblems(markdown, dir, shown, name));
  const blocks = tsBlocks(markdown);
  if (blocks.length === 0) problems.push(`${shown}: no \`\`\`ts example`);
  const own = new RegExp(`from '${name.replace('/', '\\/')}(/[\\w-]+)?'`);
  if (blocks.length > 0 && !blocks.some((b) => own.test(b.code))) {
    problems.push(`${shown}: no example imports '${name}'`);
  }
  blocks.forEach((block, i) => {
    const file = `${relative(root, dir).replace('/', '-')}-${i + 1}.ts`;
    // `export {}` last keeps line numbers equal and makes every block a module.
    writeFileSync(join(work, file), `${block.code}\nexport {};\n`);
    files.set(file, { readme: shown, block });
  });
}

writeFileSync(
  join(work, 'tsconfig.json'),
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        lib: ['ES2023', 'DOM'],
        strict: true,
        skipLibCheck: true,
        isolatedModules: true,
        noEmit: true,
        types: ['node'],
      },
      files: [...files.keys()],
    },
    null,
    2,
  ),
);

const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', work, '--pretty', 'false'],
  { cwd: work, encoding: 'utf8' },
);
const shownBlocks = new Set();
for (const line of `${tsc.stdout}${tsc.stderr}`.split('\n')) {
  if (line.trim() === '') continue;
  const m = /^([\w.-]+\.ts)\((\d+),(\d+)\): (.*)$/.exec(line);
  const at = m && files.get(m[1]);
  if (!at) {
    problems.push(line);
    continue;
  }
  const readmeLine = at.block.start + Number(m[2]) - 1;
  let text = `${at.readme}:${readmeLine}:${m[3]}: ${m[4]}`;
  if (!shownBlocks.has(at.block)) {
    shownBlocks.add(at.block);
    const numbered = at.block.code
      .split('\n')
      .map((code, j) => `  ${String(at.block.start + j).padStart(4)} | ${code}`);
    text += `\n  in the block at ${at.readme}:${at.block.start}:\n${numbered.join('\n')}`;
  }
  problems.push(text);
}
if (tsc.status !== 0 && problems.length === 0) problems.push(`tsc exited with ${tsc.status}`);

rmSync(work, { recursive: true, force: true });
if (problems.length > 0) {
  console.error(`readme-examples: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(
  `readme-examples: ${files.size} ts blocks in ${all.length} package READMEs type-check (tsc --strict)`,
);
