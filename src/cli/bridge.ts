#!/usr/bin/env node
// The `bridge` executable: the only place that reads process.argv, process.env and .env.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { main } from './main.js';
import { staleBuildWarning } from './stale-build.js';

// `npm start` runs dist/ without building (npm install built it): say so when src/ was edited since.
const stale = staleBuildWarning(fileURLToPath(new URL('../../src', import.meta.url)), fileURLToPath(new URL('../.build-stamp', import.meta.url)));
if (stale !== undefined) process.stderr.write(stale);

// `.env` in the working folder, when there is one (see .env.example). loadEnvFile never replaces a
// variable already set, so the real environment wins: https://nodejs.org/api/process.html#processloadenvfilepath
if (existsSync('.env')) process.loadEnvFile('.env');

// `bridge deliveries | head`: the reader left, so there is nobody to print for. Exit quietly, as
// Unix tools do, instead of crashing on the unhandled EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

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
