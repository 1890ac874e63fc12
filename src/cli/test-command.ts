import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { activeRules } from '../bridge/active-rules.js';
import type { ActiveRules } from '../bridge/active-rules.js';
import { createCrmReader } from '../bridge/create-crm-reader.js';
import { loadRulesFile, type LoadedRules } from '../config/load-rules.js';
import { createRateLimiter } from '../dispatch/rate-limiter.js';
import { readEnv } from '../env.js';
import type { BridgeEvent } from '../events/event.js';
import { parseEvent } from '../events/parse-event.js';
import { NO_STATE } from '../rules/state-types.js';
import { explainStoredEvent } from '../planner/explain-stored-event.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './cli-io.js';
import { formatPlan, planJson } from './format-plan.js';
import { openStoreForCli } from './open-store-for-cli.js';
import { planSteps } from './plan-steps.js';
import { checkStep, loadRuleTest } from './rule-test-case.js';
import { formatTestCrm, testCrm, type TestCrm } from './test-crm.js';
import { errorMessage } from '../error-message.js';

export const TEST_USAGE = 'usage: bridge test --event FILE [--at TIME] [--rules FILE] [--json] [--offline [--data DIR]]   (--at: the receive time, ISO-8601; default now; crm.contact.* values are looked up in HubSpot, or with --offline read from the bridge\'s cache only)\n       bridge test --event-id ID [--data DIR] [--rules FILE] [--json]   (a stored event, at its receive time: why each rule matched or missed)\n       bridge test DIR [--rules FILE]   (rule tests: each *.yaml / *.json case has `event` and `expect`, or timed `steps`)';

/**
 * `bridge test`: a dry run; nothing is sent. With --event, shows what one event would do (the only
 * network use: reading the CRM values its rules need, none with --offline); with a folder, runs the
 * rule tests in it (for users' own CI) and exits 1 if any fails.
 */
export async function runTest(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { event: { type: 'string' }, 'event-id': { type: 'string' }, data: { type: 'string' }, at: { type: 'string' }, rules: { type: 'string' }, json: { type: 'boolean', default: false }, offline: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const eventId = values['event-id'];
  const given = [values.event !== undefined, eventId !== undefined, positionals.length > 0].filter(Boolean).length;
  if (given !== 1 || positionals.length > 1) throw new UsageError('give one of --event FILE, --event-id ID or one folder of rule tests');
  if (values.at !== undefined && values.event === undefined) throw new UsageError('--at goes with --event (a stored event is planned at its receive time; a rule test gives each step its own `at`)');
  if (values.offline === true && values.event === undefined) throw new UsageError('--offline goes with --event (the CRM cache it reads is the bridge\'s, in --data DIR or DATA_DIR)');
  if (values.data !== undefined && eventId === undefined && values.offline !== true) throw new UsageError('--data goes with --event-id or --offline');
  const at = values.at === undefined ? Date.now() : Date.parse(values.at);
  if (Number.isNaN(at)) throw new UsageError(`--at must be an ISO-8601 time, got "${values.at}"`);
  const rulesFile = values.rules ?? io.env.RULES_FILE ?? './rules.yaml';
  const loaded = await loadRulesFile(rulesFile, io.env);
  if (!loaded.ok) {
    for (const e of loaded.errors) io.stderr(`${e}\n`);
    return 1;
  }
  const rules = activeRules(loaded.rules);
  if (values.event !== undefined) return testOne(values.event, { rules, loaded: loaded.rules, at, json: values.json === true, offline: values.offline === true, data: values.data }, io);
  if (eventId !== undefined) return testStored(eventId, rules, values.data, values.json === true, io);
  return testFolder(positionals[0] as string, rules, loaded.rules.file.rules.map((r) => r.name), io);
}

async function readData(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  return file.endsWith('.yaml') || file.endsWith('.yml') ? parseYaml(text) : JSON.parse(text);
}

interface TestOneOptions {
  readonly rules: ActiveRules;
  readonly loaded: LoadedRules;
  /** The receive time. */
  readonly at: number;
  readonly json: boolean;
  readonly offline: boolean;
  readonly data: string | undefined;
}

/**
 * One event as the bridge would plan it at `at`, as the first event it has ever seen (no memory
 * yet), with the CRM values its rules would look up: live from HubSpot, or with --offline from the
 * bridge's cache only (no network).
 */
async function testOne(file: string, opts: TestOneOptions, io: CliIo): Promise<number> {
  const { rules, at: now, json } = opts;
  let body: unknown;
  try {
    body = await readData(file);
  } catch (err) {
    io.stderr(`${file}: cannot read event: ${errorMessage(err)}\n`);
    return 1;
  }
  const parsed = parseEvent(body);
  if (!parsed.ok) {
    for (const i of parsed.issues) io.stderr(`${file}: invalid event: ${i.path || '(root)'}: ${i.message}\n`);
    return 1;
  }
  const crm = await crmFor(parsed.event, opts, io);
  if (crm === undefined) return 1;
  const { plan } = rules.plan(parsed.event, { now, state: NO_STATE, mode: 'explain', crm: crm.answers });
  if (json) io.stdout(`${JSON.stringify({ ...(planJson(plan) as object), ...(crm.lookups.length > 0 && { crm: crm.lookups }) }, null, 2)}\n`);
  else io.stdout(formatTestCrm(crm.lookups) + formatPlan(plan));
  return 0;
}

/** The event's CRM answers: read live through each HubSpot destination, or from the store's cache. */
async function crmFor(event: BridgeEvent, opts: TestOneOptions, io: CliIo): Promise<TestCrm | undefined> {
  if ((opts.rules.crmLookups?.(event, opts.at) ?? []).length === 0) return { answers: new Map(), lookups: [] };
  if (opts.offline) {
    const store = await openStoreForCli(io, opts.data);
    if (!store) return undefined;
    try {
      return await testCrm(opts.rules, event, { store: store.planner, now: opts.at });
    } finally {
      await store.close();
    }
  }
  const env = readEnv(io.env);
  if (!env.ok) {
    for (const e of env.errors) io.stderr(`${e}\n`);
    return undefined;
  }
  const apiUrl = env.settings.apiUrls['HUBSPOT_API_URL'];
  const reader = createCrmReader({
    destinations: () => opts.loaded.destinations,
    limiter: createRateLimiter(),
    now: Date.now,
    timeoutMs: env.settings.ACTION_TIMEOUT_MS,
    ...(apiUrl !== undefined && { apiUrl }),
  });
  try {
    return await testCrm(opts.rules, event, { reader, now: opts.at });
  } finally {
    reader.close();
  }
}

/**
 * A stored event explained at its receive time: the planner records only the misses it cannot
 * explain again (those that read memory), and this explains the others from the same compiled
 * conditions. No memory is read (memory conditions see it as the first event ever, as with --event;
 * the recorded decision has what memory said), and rules edited
 * since the event was planned are said to be.
 */
async function testStored(id: string, rules: ActiveRules, dataDir: string | undefined, json: boolean, io: CliIo): Promise<number> {
  const store = await openStoreForCli(io, dataDir);
  if (!store) return 1;
  try {
    const stored = await store.deliveries.getEvent(id);
    if (stored === undefined) {
      io.stderr(`bridge: no event "${id}" in the store\n`);
      return 1;
    }
    const decision = await store.planner.decisionOf(id);
    const version = decision?.rulesVersion ?? stored.rulesVersion;
    if (version !== rules.version) io.stderr(`note: event ${id} was planned with rules version ${version}; these rules are version ${rules.version}\n`);
    io.stderr(`planned as received at ${new Date(stored.receivedAt).toISOString()}; memory conditions see it as the first event ever (the recorded decision, bridge deliveries --json, has what memory said)\n`);
    const plan = explainStoredEvent(stored, rules);
    io.stdout(json ? `${JSON.stringify(planJson(plan), null, 2)}\n` : formatPlan(plan));
    return 0;
  } finally {
    await store.close();
  }
}

interface CaseResult {
  readonly name: string;
  readonly failures: readonly string[];
}

/**
 * Runs every rule test in `dir`: each file's steps are planned in order by the bridge's own planner,
 * with its memory, from an empty store (see plan-steps.ts); each step's outcome is checked.
 */
async function testFolder(dir: string, rules: ActiveRules, ruleNames: readonly string[], io: CliIo): Promise<number> {
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    io.stderr(`${dir}: not a folder\n`);
    return 1;
  }
  const files = (await readdir(dir)).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  const results: CaseResult[] = [];
  for (const f of files) {
    const path = join(dir, f);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      results.push({ name: f, failures: [`cannot read: ${errorMessage(err)}`] });
      continue;
    }
    const test = await loadRuleTest(path, text, { ruleNames, now: Date.now() });
    if (!test.ok) {
      results.push({ name: f, failures: test.errors });
      continue;
    }
    const outcomes = await planSteps(rules, test.steps);
    results.push({ name: f, failures: test.steps.flatMap((step, i) => checkStep(step, outcomes[i] as (typeof outcomes)[number])) });
  }
  for (const r of results) {
    io.stdout(`${r.failures.length === 0 ? 'PASS' : 'FAIL'} ${r.name}\n`);
    for (const f of r.failures) io.stdout(`     ${f}\n`);
  }
  const failed = results.filter((r) => r.failures.length > 0).length;
  io.stdout(`${results.length - failed} passed, ${failed} failed\n`);
  return failed === 0 && results.length > 0 ? 0 : 1;
}
