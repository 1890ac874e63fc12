import { createRequire } from 'node:module';
import type * as Re2 from 're2js';

// The bundle (scripts/bundle.mjs) drops this line, so esbuild bundles re2js and runs it on first use.
const require = createRequire(import.meta.url);

type Re2js = typeof Re2;
let loaded: Re2js | undefined;

/**
 * re2js, loaded on first use: its import builds Unicode tables (~4 ms of `bridge check`'s start),
 * and only a `matches` condition needs it.
 */
export const re2js = (): Re2js => (loaded ??= require('re2js') as Re2js);
