import { parseArgs } from 'node:util';
import { activeRules } from '../bridge/active-rules.js';
import { loadRulesFile } from '../config/load-rules.js';
import { parseDuration } from '../duration.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './cli-io.js';
import { compareBacktest, type BacktestRow } from './compare-backtest.js';
import { openStoreForCli } from './open-store-for-cli.js';
import { planHistory } from './plan-history.js';

export const BACKTEST_USAGE = `usage: bridge backtest --since 7d|ISO [--until 1d|ISO] [--rules FILE] [--examples N] [--json] [--data DIR]
  Runs the events stored in that window through the rules in FILE (default RULES_FILE, ./rules.yaml)
  with fresh memory and no network, and prints per rule and destination what the rules in force
  sent (the jobs they planned) against what FILE would have sent, with example events for each
  difference (a digest counts once, under its newest item's event; windows still open at --until
  send nothing). A duration counts back from now. Reads the store without disturbing a running bridge.`;

/** `7d` (that long before `now`) or an ISO time. */
function timeOf(text: string, option: string, now: number): number {
  const ms = parseDuration(text);
  if (ms !== undefined) return now - ms;
  const at = /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) throw new UsageError(`--${option} "${text}": expected a duration such as 7d or 12h, or an ISO time such as 2026-11-25T00:00:00Z`);
  return at;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function table(rows: readonly BacktestRow[]): string[] {
  const head = ['rule → destination', 'in force', 'candidate', 'change'];
  const body = rows.map((r) => {
    const d = r.candidate - r.inForce;
    return [`${r.rule} → ${r.destination}`, String(r.inForce), String(r.candidate), d === 0 ? '=' : d > 0 ? `+${d}` : String(d)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ').trimEnd();
  const out = [line(head)];
  rows.forEach((r, i) => {
    out.push(line(body[i] as string[]));
    if (r.onlyInForce.length > 0) out.push(`    sent, candidate would not: ${r.onlyInForce.join(', ')}`);
    if (r.onlyCandidate.length > 0) out.push(`    candidate would send, not sent: ${r.onlyCandidate.join(', ')}`);
  });
  return out;
}

/** `bridge backtest`: what a rules file would have sent over stored traffic, against what was sent. */
export async function runBacktest(argv: readonly string[], io: CliIo, now = Date.now()): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      since: { type: 'string' }, until: { type: 'string' }, rules: { type: 'string' }, examples: { type: 'string' },
      json: { type: 'boolean', default: false }, data: { type: 'string' },
    },
    strict: true,
  });
  if (values.since === undefined) throw new UsageError('--since is required (e.g. --since 7d)');
  const since = timeOf(values.since, 'since', now);
  const until = values.until === undefined ? now : timeOf(values.until, 'until', now);
  if (since >= until) throw new UsageError(`--since ${iso(since)} is not before --until ${iso(until)}`);
  const examples = values.examples === undefined ? 3 : Number(values.examples);
  if (!Number.isInteger(examples) || examples < 0) throw new UsageError(`--examples "${values.examples}": expected a whole number`);

  const rulesFile = values.rules ?? io.env.RULES_FILE ?? './rules.yaml';
  const loaded = await loadRulesFile(rulesFile, io.env);
  if (!loaded.ok) {
    for (const e of loaded.errors) io.stderr(`${e}\n`);
    return 1;
  }
  const store = await openStoreForCli(io, values.data);
  if (!store) return 1;
  let events;
  let inForce;
  try {
    events = await store.history.eventsBetween(since, until);
    inForce = await store.history.jobsBetween(since, until);
  } finally {
    await store.close();
  }
  const candidate = await planHistory(activeRules(loaded.rules), events, until);
  const rows = compareBacktest(inForce, candidate, examples);
  const summary = { since: iso(since), until: iso(until), events: events.length, candidate: { file: rulesFile, version: loaded.rules.version } };
  if (values.json) {
    io.stdout(`${JSON.stringify({ ...summary, rows }, null, 2)}\n`);
    return 0;
  }
  io.stdout(`${events.length} events from ${summary.since} to ${summary.until}; candidate ${rulesFile} (version ${loaded.rules.version})\n`);
  if (rows.length === 0) io.stdout('neither the rules in force nor the candidate sent anything\n');
  else io.stdout(`${table(rows).join('\n')}\n`);
  const changed = rows.filter((r) => r.inForce !== r.candidate || r.onlyInForce.length > 0 || r.onlyCandidate.length > 0).length;
  io.stdout(changed === 0 ? 'no difference\n' : `${changed} of ${rows.length} rule → destination pairs differ\n`);
  return 0;
}
