#!/usr/bin/env node
// The `bridge` executable: the only place that reads process.argv and process.env.
import { fileURLToPath } from 'node:url';
import { main } from './main.js';
import { staleBuildWarning } from './stale-build.js';

// `npm start` runs dist/ without building (npm install built it): say so when src/ was edited since.
const stale = staleBuildWarning(fileURLToPath(new URL('../../src', import.meta.url)), fileURLToPath(new URL('../.build-stamp', import.meta.url)));
if (stale !== undefined) process.stderr.write(stale);

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
