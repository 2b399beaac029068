/**
 * The device kit's executable: `gft` itself, plus one command of its own for machines that
 * have the kit but not the repository's node_modules (the GPU machine):
 *
 *   node gft.mjs conformance --backend cuda-native
 *
 * runs @gft/core's kernel conformance suite (every case against tfjs-cpu) on the backend and
 * prints one JSON line: passed, failed, the failures' messages and the kernels that fell back.
 * Anything else is the CLI's own command line.
 */
import { checkConformance, conformanceCases } from '@gft/core/testing';
import { fallbackCounts, resetFallbackCounts } from '@gft/native';
import { cpuNative } from '@gft/plugin-cpu-native';
import { cudaNative } from '@gft/plugin-cuda-native';
import { main, reportFailure } from '../../packages/cli/src/main.js';

async function conformance(backendName: string): Promise<number> {
  const backend = backendName === 'cpu-native' ? cpuNative() : cudaNative();
  await backend.setup();
  resetFallbackCounts(backendName);
  const failures: string[] = [];
  let passed = 0;
  for (const c of conformanceCases()) {
    const verdict = await checkConformance(backendName, c, {});
    if (verdict.pass) passed++;
    else failures.push(`${c.kernel} | ${c.name}: ${verdict.message}`);
  }
  const describe = backend.describe?.() ?? {};
  console.log(
    JSON.stringify({
      backend: backendName,
      passed,
      failed: failures.length,
      failures,
      fallbacks: fallbackCounts(backendName),
      describe,
    }),
  );
  return failures.length === 0 ? 0 : 1;
}

const args = process.argv.slice(2);
const crash = (error: unknown) => {
  process.exitCode = reportFailure(args[0] ?? 'gft', error, args.includes('--json'));
  process.exit();
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
const at = args.indexOf('--backend');
const run =
  args[0] === 'conformance' ? conformance(at >= 0 ? args[at + 1] : 'cuda-native') : main(args);
run.then((code) => {
  process.exitCode = code;
}, crash);
