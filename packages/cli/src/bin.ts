#!/usr/bin/env node
/** The `gft` executable: runs `main` and exits with its code. */
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`gft: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  },
);
