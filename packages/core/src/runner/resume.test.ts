import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, 'resume-child.fixture.ts');
const tmp = mkdtempSync(join(tmpdir(), 'gft-resume-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function start(dir: string, lossFile: string, steps: number, delayMs: number): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', child, dir, lossFile, String(steps), '3', String(delayMs)],
    {
      cwd: join(here, '../..'),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}

function exit(
  p: ChildProcess,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = '';
  p.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) =>
    p.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
}

/** Last loss written for each step (a resumed run rewrites the steps after its checkpoint). */
function losses(file: string): Map<number, string> {
  const out = new Map<number, string>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [step, loss] = line.split(' ');
    if (loss !== undefined) out.set(Number(step), loss);
  }
  return out;
}

describe('kill and resume', () => {
  it('a run killed with SIGKILL resumes from its last checkpoint and continues the same loss curve bit for bit', async () => {
    const steps = 14;
    const refFile = join(tmp, 'ref.txt');
    const ref = await exit(start(join(tmp, 'ref'), refFile, steps, 0));
    expect(ref.code, ref.stderr).toBe(0);

    const file = join(tmp, 'killed.txt');
    const dir = join(tmp, 'killed');
    const victim = start(dir, file, steps, 60);
    const done = exit(victim);
    const killAfter = 8; // between the checkpoints of steps 6 and 9
    while (losses(file).size < killAfter) await new Promise((r) => setTimeout(r, 10));
    victim.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const seenBeforeKill = losses(file).size;
    const linesBeforeKill = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
    expect(seenBeforeKill).toBeLessThan(steps);

    const resumed = await exit(start(dir, file, steps, 0));
    expect(resumed.code, resumed.stderr).toBe(0);
    // The resumed run must start after a checkpoint (every 3 steps), not from step 1.
    const newLines = readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(linesBeforeKill);
    const firstResumed = Number(newLines[0].split(' ')[0]);
    expect(firstResumed).toBeGreaterThan(1);
    expect((firstResumed - 1) % 3).toBe(0);
    expect(firstResumed - 1).toBeLessThanOrEqual(seenBeforeKill);
    const want = losses(refFile);
    const got = losses(file);
    const mismatches = [...want].filter(([s, l]) => got.get(s) !== l);
    console.log(
      `killed after step ${seenBeforeKill}, resumed at step ${firstResumed} to ${steps}: ${mismatches.length} of ${want.size} step losses differ; ref first/last ${want.get(1)} / ${want.get(steps)}`,
    );
    expect(want.size).toBe(steps);
    expect(mismatches).toEqual([]);
    // No half-written checkpoint is ever visible under its final name: the manifest is
    // written last, inside the temp directory, and a killed write's temp directory is
    // removed by the next save.
    const last = join(dir, `step-${String(steps).padStart(8, '0')}`);
    expect(readdirSync(last).sort()).toEqual(['checkpoint.json', 'manifest.json', 'tensors.bin']);
    expect(readdirSync(dir).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });
});
