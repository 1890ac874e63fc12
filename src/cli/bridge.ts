#!/usr/bin/env node
// The `bridge` executable: the only place that reads process.argv and process.env.
import { main } from './main.js';

main(process.argv.slice(2), {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bridge: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
