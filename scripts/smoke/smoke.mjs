// Smoke run of the `gft` command as a user types it, checking what it wrote rather than
// trusting its exit code alone:
//   bench    every adapter x collator x usable backend on `--preset tiny` for two steps (webgpu:
//            one short step, see PLANS); every cell must be in bench.jsonl, ok, with a finite
//            loss per step, and in the report.
//   predict  `gft train` with a checkpoint folder, then `gft predict` from that checkpoint on an
//            unlabelled CSV; the submission must have every row once and probabilities that are
//            finite and sum to 1.
// Used by scripts/smoke.sh (the workspace's build) and scripts/registry-round-trip.sh (the published
// tarballs installed with npm), so it needs nothing but Node and the gft executable it is given.
//
//   node scripts/smoke/smoke.mjs --gft PATH [--out DIR] [--only bench|predict] [--backends LIST]
//
// Backends (--backends auto): every one `gft plugins` lists that can be set up here; one that
// cannot is left out, saying why, unless GFT_REQUIRE declares it (or all): then that fails. A
// --backends list must run in full.
import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    gft: { type: 'string' },
    out: { type: 'string' },
    only: { type: 'string' },
    backends: { type: 'string', default: 'auto' },
  },
});
if (!args.gft) fail('--gft PATH (the gft executable, or the CLI package entry bin.js) is required');
if (args.only && !['bench', 'predict'].includes(args.only))
  fail(`--only: bench or predict, not '${args.only}'`);
const GFT = resolve(args.gft);
const OUT = resolve(args.out ?? join(tmpdir(), `gft-smoke-${process.pid}`));
const ADAPTERS = ['full-ft', 'lora', 'qlora'];
const COLLATORS = ['padding', 'varlen-packing'];
const STEPS = 2;
mkdirSync(OUT, { recursive: true });

function fail(message) {
  console.error(`smoke: FAILED: ${message}`);
  process.exit(1);
}

function check(ok, message) {
  if (!ok) fail(message);
}

/** Runs gft; stderr (progress) streams through, stdout is returned and, if `echo`, shown. */
function gft(cmdArgs, echo = true) {
  const [file, argv] = GFT.endsWith('.js') ? [process.execPath, [GFT, ...cmdArgs]] : [GFT, cmdArgs];
  console.log(`$ gft ${cmdArgs.join(' ')}`);
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (echo) process.stdout.write(d);
    });
    child.on('close', (code, signal) =>
      done({ code: code ?? signal, stdout, seconds: (Date.now() - started) / 1000 }),
    );
  });
}

/** The last stdout line as JSON (`--json` prints one object). */
function json(run, what) {
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line);
  } catch {
    fail(`${what}: expected JSON on stdout, got: ${run.stdout.trim().slice(-500)}`);
  }
}

function finite(values) {
  return Array.isArray(values) && values.every((v) => typeof v === 'number' && Number.isFinite(v));
}

/** Whether GFT_REQUIRE declares `name` (or all): then its absence fails instead of skipping. */
function required(name) {
  const declared = (process.env.GFT_REQUIRE ?? '').split(',').map((n) => n.trim());
  return declared.includes(name) || declared.includes('all');
}

/** The @gft/cli package folder the executable belongs to (npm's .bin entry is a symlink). */
function cliPackageDir() {
  for (let dir = dirname(realpathSync(GFT)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === '@gft/cli') return dir;
  }
  fail(`${GFT} is not inside the @gft/cli package`);
}

// Makes the backend the way a run does (its package's announced factory, then setup(), which
// throws BACKEND_UNAVAILABLE saying why) and prints nothing when it worked. In a child process:
// a backend may keep its process alive (Dawn does) or claim the tfjs engine.
const PROBE = `
const { createRequire } = require('node:module');
const [source, name, ...bases] = process.argv.slice(1);
(async () => {
  const req = bases.map((b) => createRequire(b)).find((r) => {
    try { return Boolean(r.resolve(source + '/package.json')); } catch { return false; }
  });
  if (!req) throw new Error(source + ' does not resolve from ' + bases.join(' or '));
  const entry = (req(source + '/package.json').gft?.plugins ?? [])
    .find((p) => p.kind === 'backend' && p.name === name);
  if (!entry) throw new Error(source + ' announces no backend ' + name);
  await req(source)[entry.export]().setup();
})().then(
  () => process.exit(0),
  (e) => { process.stdout.write(String((e && e.message) || e)); process.exit(0); },
);`;

/** '' when `listing`'s backend can be set up here, else why not. */
function probeBackend(listing) {
  if (listing.source === 'built-in') return '';
  const bases = [cliPackageDir(), process.cwd()].map((d) => join(d, 'package.json'));
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['-e', PROBE, listing.source, listing.name, ...bases],
      { timeout: 180_000 },
      (error, stdout) => done(error ? `probe failed: ${error.message}` : stdout.trim()),
    );
  });
}

/** The backends to bench: --backends, or every listed one that can be set up here. */
async function backends() {
  const run = await gft(['plugins', '--json'], false);
  check(run.code === 0, `gft plugins exited ${run.code}`);
  const { plugins } = json(run, 'gft plugins');
  const names = (kind) => plugins.filter((p) => p.kind === kind).map((p) => p.name);
  for (const [kind, wanted] of [
    ['adapter', ADAPTERS],
    ['collator', COLLATORS],
  ]) {
    const missing = wanted.filter((n) => !names(kind).includes(n));
    check(
      missing.length === 0,
      `gft plugins lists no ${kind} ${missing.join(', ')} (has ${names(kind).join(', ')})`,
    );
  }
  const listed = plugins.filter((p) => p.kind === 'backend');
  const asked = args.backends === 'auto' ? listed.map((p) => p.name) : args.backends.split(',');
  const use = [];
  for (const name of asked) {
    const listing = listed.find((p) => p.name === name);
    const why = listing ? await probeBackend(listing) : 'gft plugins does not list it';
    if (why === '') use.push(name);
    else if (args.backends !== 'auto' || required(name))
      fail(`backend ${name} cannot run here: ${why}`);
    else
      console.log(`smoke: ${name} left out (not in GFT_REQUIRE): ${why.replaceAll('\n', '\n  ')}`);
  }
  check(use.length > 0, 'no backend can run here');
  return use;
}

// Steps and rows per cell. webgpu without a GPU runs on SwiftShader, a CPU Vulkan driver (a
// minute or more per `tiny` step even at two 300-token rows), so its cells run one short step.
const DEFAULT_PLAN = { steps: 2, warmupSteps: 1, data: [] };
const PLANS = {
  webgpu: {
    steps: 1,
    warmupSteps: 0,
    data: ['--batchSize', '2', '--maxSequenceLength', '300', '--evalRows', '0'],
  },
};

async function bench() {
  const usable = await backends();
  const groups = new Map();
  for (const backend of usable) {
    const plan = PLANS[backend] ?? DEFAULT_PLAN;
    groups.set(plan, [...(groups.get(plan) ?? []), backend]);
  }
  for (const [plan, group] of groups) await benchGroup(plan, group);
}

async function benchGroup(plan, group) {
  const out = join(OUT, `bench-${group.join('-')}`);
  const run = await gft([
    'bench',
    '--preset',
    'tiny',
    '--adapters',
    ADAPTERS.join(','),
    '--collators',
    COLLATORS.join(','),
    '--backends',
    group.join(','),
    '--steps',
    String(plan.steps),
    '--warmupSteps',
    String(plan.warmupSteps),
    ...plan.data,
    '--out',
    out,
  ]);
  const expected = ADAPTERS.flatMap((a) =>
    COLLATORS.flatMap((c) => group.map((b) => `${a}/${c}/${b}`)),
  );
  const jsonl = join(out, 'bench.jsonl');
  check(existsSync(jsonl), `gft bench (exit ${run.code}) wrote no ${jsonl}`);
  const records = readFileSync(jsonl, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  const byId = new Map(records.map((r) => [r.cell.id, r]));
  const problems = [];
  for (const id of expected) {
    const r = byId.get(id);
    if (!r) problems.push(`${id}: no record`);
    else if (!r.ok) problems.push(`${id}: ${r.error?.code}: ${r.error?.message}`);
    else if (r.losses?.length !== plan.steps || !finite(r.losses))
      problems.push(`${id}: losses ${JSON.stringify(r.losses)}`);
    else if (!(r.summary?.realTokensPerSecond > 0))
      problems.push(`${id}: tokens/s ${r.summary?.realTokensPerSecond}`);
  }
  check(
    problems.length === 0,
    `gft bench: ${problems.length} of ${expected.length} cells failed:\n  ${problems.join('\n  ')}`,
  );
  check(
    records.length === expected.length,
    `gft bench wrote ${records.length} records for ${expected.length} cells`,
  );
  check(run.code === 0, `gft bench exited ${run.code} with every cell ok`);
  for (const file of ['report.md', 'report.html']) {
    check(
      existsSync(join(out, file)) && statSync(join(out, file)).size > 0,
      `gft bench wrote no ${file}`,
    );
  }
  const md = readFileSync(join(out, 'report.md'), 'utf8');
  const unreported = expected.filter((id) => !md.includes(`| ${id} |`));
  check(unreported.length === 0, `report.md has no table row for ${unreported.join(', ')}`);
  for (const id of expected) {
    const r = byId.get(id);
    console.log(
      `smoke: ${id}: losses ${r.losses.map((l) => l.toFixed(4)).join(', ')}, ${(r.wallMs / 1000).toFixed(1)} s`,
    );
  }
  console.log(
    `smoke: bench ok: ${expected.length} cells on ${group.join(', ')} in ${run.seconds.toFixed(1)} s`,
  );
}

/** A Kaggle-style test.csv (no label columns) whose texts exercise CSV quoting. */
function writeTestCsv(file) {
  const rows = Array.from({ length: 7 }, (_, i) => ({
    id: String(5000 + i * 13),
    prompt: [
      `Question ${i}: which is better, "x" or y?`,
      ...(i % 3 === 0 ? ['And a follow-up,\nplease.'] : []),
    ],
    responseA: [`Answer A${i}, short.`, ...(i % 3 === 0 ? ['More from A.'] : [])],
    responseB: [
      `Answer B${i}: ${'a longer reply '.repeat(i + 1)}`,
      ...(i % 3 === 0 ? ['More from B.'] : []),
    ],
  }));
  const cell = (s) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const lines = ['id,model_a,model_b,prompt,response_a,response_b'];
  for (const r of rows) {
    lines.push(
      [
        r.id,
        'model-x',
        'model-y',
        JSON.stringify(r.prompt),
        JSON.stringify(r.responseA),
        JSON.stringify(r.responseB),
      ]
        .map(cell)
        .join(','),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return rows.map((r) => r.id);
}

async function trainThenPredict() {
  const ckpt = join(OUT, 'ckpt');
  const model = ['--preset', 'tiny', '--adapter', 'qlora'];
  const train = await gft([
    'train',
    ...model,
    '--steps',
    String(STEPS),
    '--checkpointDir',
    ckpt,
    '--checkpointEvery',
    '1',
  ]);
  check(train.code === 0, `gft train exited ${train.code}`);
  const steps = readdirSync(ckpt)
    .filter((d) => /^step-\d+$/.test(d))
    .sort();
  check(
    steps.length > 0 && Number(steps.at(-1).slice(5)) === STEPS,
    `gft train left checkpoints ${steps.join(', ') || '(none)'} in ${ckpt}, not step ${STEPS}`,
  );

  const csv = join(OUT, 'test.csv');
  const ids = writeTestCsv(csv);
  const out = join(OUT, 'predict');
  // No row cap: a submission holds every id of the file.
  const predict = await gft([
    'predict',
    ...model,
    '--checkpointDir',
    ckpt,
    '--data',
    csv,
    '--out',
    out,
    '--json',
  ]);
  check(predict.code === 0, `gft predict exited ${predict.code}`);
  const result = json(predict, 'gft predict');
  check(result.step === STEPS, `gft predict restored step ${result.step}, not ${STEPS}`);
  const lines = readFileSync(join(out, 'submission.csv'), 'utf8').trim().split('\n');
  check(
    lines[0] === 'id,winner_model_a,winner_model_b,winner_tie',
    `submission.csv header: ${lines[0]}`,
  );
  const got = lines.slice(1).map((l) => l.split(','));
  check(
    JSON.stringify(got.map((r) => r[0]).sort()) === JSON.stringify([...ids].sort()),
    `submission.csv ids ${got.map((r) => r[0]).join(' ')} are not the ${ids.length} test ids ${ids.join(' ')}`,
  );
  for (const [id, ...cells] of got) {
    const p = cells.map(Number);
    check(
      p.length === 3 && finite(p) && p.every((v) => v >= 0 && v <= 1),
      `submission.csv row ${id}: ${cells.join(',')}`,
    );
    check(
      Math.abs(p[0] + p[1] + p[2] - 1) < 1e-4,
      `submission.csv row ${id} sums to ${p[0] + p[1] + p[2]}`,
    );
  }
  console.log(
    `smoke: train -> predict ok: ${STEPS} QLoRA steps (${train.seconds.toFixed(1)} s), ${ids.length} rows predicted from step ${result.step} (${predict.seconds.toFixed(1)} s)`,
  );
}

if (args.only !== 'predict') await bench();
if (args.only !== 'bench') await trainThenPredict();
console.log(`smoke: ok (outputs in ${OUT})`);
