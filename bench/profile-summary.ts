import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** `node_modules/pino/lib/x.js` → `pino`; `src/store/x.ts` → `src/store/x.ts`; node internals by area. */
function moduleOf(url: string): string {
  if (url === '') return '(native / V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1] !== undefined) return nm[1];
  const src = /\/((?:src|bench|test)\/.*)$/.exec(url);
  if (src?.[1] !== undefined) return src[1];
  return url.startsWith('node:') ? url.split('/').slice(0, 2).join('/') : url;
}

/** Self time of a `--cpu-prof` profile by module and by function (top 15 each), idle left out. */
export function summariseProfile(file: string): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (node === undefined || node.callFrame.functionName === '(idle)') continue;
    total += us;
    const mod = moduleOf(node.callFrame.url);
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${mod}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const top = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, us]) => `  ${(us / 1000).toFixed(0).padStart(6)} ms  ${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return `busy ${(total / 1000).toFixed(0)} ms\nby module:\n${top(byModule)}\nby function:\n${top(byFunction)}`;
}
