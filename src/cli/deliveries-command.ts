import { parseArgs } from 'node:util';
import { activeRules } from '../bridge/active-rules.js';
import { replayAsWas, replayTargets, replayWithRulesNow } from '../planner/replay-jobs.js';
import { loadRulesFile } from '../config/load-rules.js';
import { JOB_STATUSES, type Job, type JobStatus } from '../store/job-queue.js';
import type { EventSummary } from '../store/delivery-queries.js';
import type { ReplayOutcome } from '../console/console-replay.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './cli-io.js';
import { BridgeApiError, consoleClient, type ConsoleClient } from './console-client.js';
import { printDead, printDeliveries, printRequeue, printUnknown, printUnplannable } from './format-deliveries.js';
import { openStoreForCli } from './open-store-for-cli.js';

const URL_HELP = '  --url URL: ask a running bridge (http://host:port, its console API) instead of reading its data\n  folder; the bearer token comes from CONSOLE_TOKEN in the environment, never from a flag.';

export const DELIVERIES_USAGE = `usage: bridge deliveries [--status ${JOB_STATUSES.join('|')}] [--limit N] [--json] [--data DIR | --url URL]\n${URL_HELP}`;
export const DEAD_USAGE = `usage: bridge dead [--limit N] [--json] [--data DIR | --url URL]\n${URL_HELP}`;
export const REPLAY_USAGE = `usage: bridge replay <job id | event id>... [--rules-now] [--data DIR | --url URL]\n       bridge replay --dead [--rules-now] [--data DIR | --url URL]\n  Default: jobs run again with the request they were planned with (rules as they were).\n  --rules-now: the stored events are planned again with the rules as they are now and the memory\n  as it is now, counting nothing again and neither checking nor starting cooldowns; an event id\n  with no job (a miss, or suppressed by a cooldown) is planned again too.\n${URL_HELP}`;

function limitOf(v: string | undefined): number {
  if (v === undefined) return 50;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit must be a positive whole number, got "${v}"`);
  return n;
}

/** Runs a command against a running bridge (`--url`): its API's failures are one line and exit 1. */
async function remotely(url: string, io: CliIo, run: (client: ConsoleClient) => Promise<number>): Promise<number> {
  try {
    return await run(consoleClient(url, io));
  } catch (err) {
    if (!(err instanceof BridgeApiError)) throw err;
    io.stderr(`bridge: ${err.message}\n`);
    return 1;
  }
}

function oneSource(values: { readonly url?: string | undefined; readonly data?: string | undefined }): void {
  if (values.url !== undefined && values.data !== undefined) throw new UsageError('give --url (a running bridge) or --data (its data folder), not both');
}

/** `bridge deliveries`: recent events and their jobs. */
export async function runDeliveries(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, data: { type: 'string' }, url: { type: 'string' } }, strict: true });
  if (values.status !== undefined && !(JOB_STATUSES as readonly string[]).includes(values.status)) throw new UsageError(`--status must be one of ${JOB_STATUSES.join(', ')}`);
  const limit = limitOf(values.limit);
  oneSource(values);
  const json = values.json === true;
  if (values.url !== undefined) {
    const query = new URLSearchParams({ limit: String(limit), ...(values.status !== undefined && { status: values.status }) });
    return remotely(values.url, io, async (api) => {
      printDeliveries((await api.get<{ events: EventSummary[] }>(`/deliveries?${query.toString()}`)).events, json, io);
      return 0;
    });
  }
  const store = await openStoreForCli(io, values.data);
  if (!store) return 1;
  try {
    printDeliveries(await store.deliveries.listEvents({ ...(values.status !== undefined && { status: values.status as JobStatus }), limit }), json, io);
    return 0;
  } finally {
    await store.close();
  }
}

/** `bridge dead`: dead letters with their last error. */
export async function runDead(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { limit: { type: 'string' }, json: { type: 'boolean' }, data: { type: 'string' }, url: { type: 'string' } }, strict: true });
  const limit = limitOf(values.limit);
  oneSource(values);
  const json = values.json === true;
  if (values.url !== undefined) {
    return remotely(values.url, io, async (api) => {
      printDead((await api.get<{ dead: Job[] }>(`/dead?limit=${limit}`)).dead, json, io);
      return 0;
    });
  }
  const store = await openStoreForCli(io, values.data);
  if (!store) return 1;
  try {
    printDead(await store.deliveries.listDead({ limit }), json, io);
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * `bridge replay`: runs jobs again. By default with the request they were planned with (what the
 * rules said when the event arrived); with --rules-now, the stored events are planned again with
 * today's rules. A running bridge picks the new jobs up within its poll interval.
 */
export async function runReplay(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { dead: { type: 'boolean' }, 'rules-now': { type: 'boolean' }, rules: { type: 'string' }, data: { type: 'string' }, url: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if ((values.dead === true) === positionals.length > 0) throw new UsageError('give job or event ids, or --dead');
  oneSource(values);
  const rulesNow = values['rules-now'] === true;
  if (values.url !== undefined) {
    if (values.rules !== undefined) throw new UsageError('--rules is for --data: a running bridge replans with the rules it has in force');
    return remotely(values.url, io, async (api) => {
      const outcome = await api.post<ReplayOutcome>('/replay', { ids: positionals, ...(values.dead === true && { dead: true }), ...(rulesNow && { rulesNow: true }) });
      printUnknown(outcome.unknown, io);
      if (outcome.requeued.length === 0 && outcome.skipped.length === 0 && outcome.unplannable.length === 0) {
        io.stdout('nothing to replay\n');
        return outcome.unknown.length > 0 ? 1 : 0;
      }
      printUnplannable(outcome.unplannable, io);
      return printRequeue(outcome, io);
    });
  }
  const store = await openStoreForCli(io, values.data);
  if (!store) return 1;
  const now = Date.now();
  try {
    const targets = await replayTargets(store.deliveries, positionals, { dead: values.dead === true, rulesNow });
    printUnknown(targets.unknown, io);
    if (targets.jobs.length === 0 && targets.replanned.length === 0) {
      io.stdout('nothing to replay\n');
      return targets.unknown.length > 0 ? 1 : 0;
    }
    if (!rulesNow) return printRequeue(await replayAsWas(store.deliveries, targets, now), io);

    const loaded = await loadRulesFile(values.rules ?? io.env.RULES_FILE ?? './rules.yaml', io.env);
    if (!loaded.ok) {
      for (const e of loaded.errors) io.stderr(`${e}\n`);
      return 1;
    }
    const { result, unplannable } = await replayWithRulesNow(store, activeRules(loaded.rules), targets, positionals, now);
    printUnplannable(unplannable, io);
    return printRequeue(result, io);
  } finally {
    await store.close();
  }
}
