#!/usr/bin/env node
// Thin launcher so `npx bridge` works after `npm install`, which builds dist/ and bundles it into
// dist/bundle/ (the `prepare` script; scripts/bundle.mjs): one bundle per command, compiled from
// V8's code cache, loads faster than the few hundred modules tsc writes.
import '../dist/bundle/bridge.js';
