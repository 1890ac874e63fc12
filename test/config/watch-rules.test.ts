import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../src/log.js';
import { loadRulesFile, type LoadedRules } from '../../src/config/load-rules.js';
import { createRulesHolder, type RulesHolder } from '../../src/config/rules-holder.js';
import { watchRules, type LoadOutcome, type RulesWatcher } from '../../src/config/watch-rules.js';

type Rules = readonly string[];
type LogLine = { level: number; msg: string; [k: string]: unknown };

const V1 = 'version: 1\nrules:\n  - name: first\n';
const V2 = 'version: 1\nrules:\n  - name: first\n  - name: second\n';
const V3 = 'version: 1\nrules:\n  - name: third\n';
/** A save in progress: the closing quote has not been written yet. */
const HALF = 'version: 1\nrules:\n  - name: "dea';
const REST = 'l-won"\n';

// writeFile truncates before it writes, so a reload may also catch the empty file in between: the
// fs-driven cases assert what was applied and the final error, not exact attempt counts.
const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** Stand-in for the real loader: YAML with line:col errors, then a tiny shape check. */
function yamlLoad(path: string) {
  return async (): Promise<LoadOutcome<Rules>> => {
    const text = await readFile(path, 'utf8');
    const doc = parseDocument(text, { lineCounter: new LineCounter() });
    if (doc.errors.length > 0) {
      return { ok: false, errors: doc.errors.map((e) => `rules.yaml:${e.linePos?.[0].line}:${e.linePos?.[0].col} ${e.code}`) };
    }
    const data = doc.toJS() as { version?: unknown; rules?: { name?: unknown }[] } | null;
    const names = data?.rules?.map((r) => r?.name);
    if (data?.version !== 1 || !names || !names.every((n): n is string => typeof n === 'string')) {
      return { ok: false, errors: ['rules.yaml:1:1 expected version: 1 and rules with names'] };
    }
    return { ok: true, value: names, version: hash(text) };
  };
}

function captureLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = createLogger({ level: 'debug', dest: { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) } });
  return { log, lines };
}

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('watchRules', () => {
  let dir: string;
  let path: string;
  let holder: RulesHolder<Rules>;
  let applied: string[];
  let reloads: boolean[];
  let logged: ReturnType<typeof captureLog>;
  const watchers: RulesWatcher[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bridge-watch-'));
    path = join(dir, 'rules.yaml');
    await writeFile(path, V1);
    const base = createRulesHolder<Rules>({ value: ['first'], version: hash(V1) }, Date.now);
    applied = [];
    reloads = [];
    // Records every version that was ever put in force, so "never half-applied" can be asserted.
    holder = { ...base, swap: (value, version) => { applied.push(version); base.swap(value, version); } };
    logged = captureLog();
  });

  afterEach(async () => {
    for (const w of watchers.splice(0)) w.close();
    await rm(dir, { recursive: true, force: true });
  });

  function start(opts: { debounceMs?: number; load?: () => Promise<LoadOutcome<Rules>> } = {}): RulesWatcher {
    const w = watchRules({
      path,
      load: opts.load ?? yamlLoad(path),
      holder,
      log: logged.log,
      debounceMs: opts.debounceMs ?? 30,
      onReload: (ok) => reloads.push(ok),
    });
    watchers.push(w);
    return w;
  }

  it('swaps in a valid new file when it is saved', async () => {
    start();
    await writeFile(path, V2);
    await waitFor(() => holder.current().version === hash(V2), 'the new version');
    expect(holder.current().value).toEqual(['first', 'second']);
    expect(applied).toEqual([hash(V2)]);
    expect(reloads.at(-1)).toBe(true);
    expect(logged.lines.find((l) => l.msg === 'rules reloaded')).toMatchObject({
      level: 30, file: path, version: hash(V2), previous: hash(V1),
    });
  });

  it('refuses an invalid file, keeps the last good rules and shows the error in status', async () => {
    start();
    await writeFile(path, 'version: 2\nrules: []\n');
    await waitFor(() => holder.status().failures > 0, 'the refusal');
    expect(holder.current()).toMatchObject({ value: ['first'], version: hash(V1) });
    expect(holder.status()).toMatchObject({
      version: hash(V1),
      lastReload: { ok: false, errors: ['rules.yaml:1:1 expected version: 1 and rules with names'] },
      reloads: 0,
    });
    expect(applied).toEqual([]);
    expect(reloads.every((ok) => !ok)).toBe(true);
    expect(logged.lines.find((l) => l.msg === 'rules reload refused')).toMatchObject({
      level: 50, file: path, errors: ['rules.yaml:1:1 expected version: 1 and rules with names'],
    });
  });

  it('refuses a half-written file and applies it once the save completes', async () => {
    start();
    await writeFile(path, HALF);
    await waitFor(() => holder.status().lastReload?.errors?.[0] === 'rules.yaml:3:15 MISSING_CHAR', 'the half file to be refused');
    expect(holder.current().value).toEqual(['first']);

    await appendFile(path, REST);
    await waitFor(() => holder.current().version === hash(HALF + REST), 'the completed file');
    expect(holder.current().value).toEqual(['deal-won']);
    expect(applied).toEqual([hash(HALF + REST)]);
    expect(holder.status().lastReload).toMatchObject({ ok: true });
  });

  it('never applies the half of a save written in two quick parts', async () => {
    start({ debounceMs: 50 });
    await writeFile(path, HALF);
    await appendFile(path, REST);
    await waitFor(() => holder.current().version === hash(HALF + REST), 'the completed file');
    // However the writes and the debounce interleaved, only the complete file was ever in force.
    expect(applied).toEqual([hash(HALF + REST)]);
  });

  it('picks up a save by rename-over (write a temp file, then rename it onto rules.yaml)', async () => {
    start();
    await writeFile(path, V2);
    await waitFor(() => holder.current().version === hash(V2), 'the first save');
    for (const text of [V3, V1]) {
      const tmp = join(dir, `.rules.yaml.${text.length}.tmp`);
      await writeFile(tmp, text);
      await rename(tmp, path);
      await waitFor(() => holder.current().version === hash(text), 'the renamed file');
    }
    expect(applied).toEqual([hash(V2), hash(V3), hash(V1)]);
  });

  describe('manual reload (SIGHUP)', () => {
    // A debounce far longer than the test keeps file events out of these cases.
    const manual = { debounceMs: 600_000 };

    it('applies a valid file and refuses an invalid one', async () => {
      const w = start(manual);
      await writeFile(path, V3);
      expect(await w.reload()).toBe(true);
      expect(holder.current().value).toEqual(['third']);
      await writeFile(path, HALF);
      expect(await w.reload()).toBe(false);
      expect(holder.current().value).toEqual(['third']);
      expect(holder.status()).toMatchObject({ version: hash(V3), reloads: 1, failures: 1 });
      expect(reloads).toEqual([true, false]);
    });

    it('does not swap an unchanged version, logs it at debug and clears a stale error', async () => {
      const w = start(manual);
      await writeFile(path, HALF);
      expect(await w.reload()).toBe(false);
      await writeFile(path, V1);
      expect(await w.reload()).toBe(true);
      expect(applied).toEqual([]);
      expect(reloads).toEqual([false]);
      expect(holder.status()).toMatchObject({ version: hash(V1), lastReload: { ok: true }, reloads: 0, failures: 1 });
      expect(logged.lines.find((l) => l.msg === 'rules unchanged')).toMatchObject({ level: 20, version: hash(V1) });
    });

    it('turns a load that throws into a refusal and never rejects', async () => {
      const w = start({ ...manual, load: () => Promise.reject(new Error("ENOENT: no such file or directory, open 'rules.yaml'")) });
      expect(await w.reload()).toBe(false);
      expect(holder.status().lastReload).toMatchObject({
        ok: false, errors: ["ENOENT: no such file or directory, open 'rules.yaml'"],
      });
    });

    it('survives an onReload callback that throws', async () => {
      const w = watchRules({
        path, load: yamlLoad(path), holder, log: logged.log, debounceMs: 600_000,
        onReload: () => { throw new Error('boom'); },
      });
      watchers.push(w);
      await writeFile(path, V2);
      expect(await w.reload()).toBe(true);
      expect(holder.current().version).toBe(hash(V2));
      expect(logged.lines.find((l) => l.msg === 'rules reload callback failed')).toBeDefined();
    });

    it('runs reloads one at a time, in order', async () => {
      const pending: ((r: LoadOutcome<Rules>) => void)[] = [];
      const load = () => new Promise<LoadOutcome<Rules>>((resolve) => pending.push(resolve));
      const w = start({ ...manual, load });
      const first = w.reload();
      const second = w.reload();
      await waitFor(() => pending.length === 1, 'the first load');
      await new Promise((r) => setTimeout(r, 20));
      expect(pending).toHaveLength(1); // the second read waits for the first to finish
      pending[0]?.({ ok: true, value: ['older'], version: 'older' });
      await waitFor(() => pending.length === 2, 'the second load');
      pending[1]?.({ ok: true, value: ['newer'], version: 'newer' });
      expect(await Promise.all([first, second])).toEqual([true, true]);
      expect(applied).toEqual(['older', 'newer']);
      expect(holder.current().value).toEqual(['newer']);
    });
  });

  it('logs and keeps going when the directory cannot be watched', async () => {
    path = join(dir, 'missing-dir', 'rules.yaml');
    const w = start({ load: async () => ({ ok: true, value: ['x'], version: 'x' }) });
    expect(logged.lines.find((l) => l.msg === 'rules watcher failed; SIGHUP still reloads')).toMatchObject({ level: 50 });
    expect(await w.reload()).toBe(true);
    expect(holder.current().value).toEqual(['x']);
  });

  it('with the real loader: refuses a half-saved rules.yaml with file:line:col errors, then applies it', async () => {
    const load = async (): Promise<LoadOutcome<LoadedRules>> => {
      const r = await loadRulesFile(path, {});
      return r.ok ? { ok: true, value: r.rules, version: r.rules.version, warnings: r.rules.warnings } : r;
    };
    await writeFile(path, 'version: 1\nrules: []\n');
    const first = await load();
    if (!first.ok) throw new Error(first.errors.join('\n'));
    const real = createRulesHolder<LoadedRules>({ value: first.value, version: first.version }, Date.now);
    const w = watchRules({ path, load, holder: real, log: logged.log, debounceMs: 30 });
    watchers.push(w);

    await writeFile(path, 'version: 1\nlists:\n  vips: ["a');
    await waitFor(() => real.status().lastReload?.ok === false && real.status().lastReload?.errors?.length === 2, 'the refusal');
    expect(real.status().lastReload?.errors).toEqual([
      `${path}:3:12 (root): missing closing "quote`,
      `${path}:3:12 (root): flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
    expect(real.current().version).toBe(hash('version: 1\nrules: []\n'));

    await appendFile(path, '"]\n');
    await waitFor(() => real.current().version === hash('version: 1\nlists:\n  vips: ["a"]\n'), 'the completed file');
    expect(real.current().value.file.lists).toEqual({ vips: ['a'] });
  });
});
