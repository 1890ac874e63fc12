#!/usr/bin/env node
// Thin launcher so `npx bridge` works after `npm install` (which builds dist/ in `prepare`).
import '../dist/cli/bridge.js';
