#!/usr/bin/env node
/**
 * The `gft` executable: runs `main` and exits with its code. An exception that escapes
 * `main` (a stream 'error' event, a rejected promise nobody awaited) is a bug: it is
 * reported as INTERNAL with exit code 70 rather than Node's own codes (1, 7).
 */
import { main, reportFailure } from './main.js';

const command = process.argv[2] ?? 'gft';
const crash = (error: unknown) => {
  process.exitCode = reportFailure(command, error, process.argv.includes('--json'));
  process.exit();
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, crash);
