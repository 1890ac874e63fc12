import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { activeRules } from '../bridge/active-rules.js';
import type { ActiveRules } from '../bridge/active-rules.js';
import { loadRulesFile } from '../config/load-rules.js';
import { parseEvent } from '../events/parse-event.js';
import { NO_STATE } from '../rules/state-types.js';
import { explainStoredEvent } from '../planner/explain-stored-event.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './cli-io.js';
import { formatPlan, planJson } from './format-plan.js';
import { openStoreForCli } from './open-store-for-cli.js';
import { planSteps } from './plan-steps.js';
import { checkStep, loadRuleTest } from './rule-test-case.js';
import { errorMessage } from '../error-message.js';

export const TEST_USAGE = 'usage: bridge test --event FILE [--at TIME] [--rules FILE] [--json]   (--at: the receive time, ISO-8601; default now)\n       bridge test --event-id ID [--data DIR] [--rules FILE] [--json]   (a stored event, at its receive time: why each rule matched or missed)\n       bridge test DIR [--rules FILE]   (rule tests: each *.yaml / *.json case has `event` and `expect`, or timed `steps`)';

/**
 * `bridge test`: a dry run with no network. With --event, shows what one event would do; with a
 * folder, runs the rule tests in it (for users' own CI) and exits 1 if any fails.
 */
export async function runTest(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { event: { type: 'string' }, 'event-id': { type: 'string' }, data: { type: 'string' }, at: { type: 'string' }, rules: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const eventId = values['event-id'];
  const given = [values.event !== undefined, eventId !== undefined, positionals.length > 0].filter(Boolean).length;
  if (given !== 1 || positionals.length > 1) throw new UsageError('give one of --event FILE, --event-id ID or one folder of rule tests');
  if (values.at !== undefined && values.event === undefined) throw new UsageError('--at goes with --event (a stored event is planned at its receive time; a rule test gives each step its own `at`)');
  if (values.data !== undefined && eventId === undefined) throw new UsageError('--data goes with --event-id');
  const at = values.at === undefined ? Date.now() : Date.parse(values.at);
  if (Number.isNaN(at)) throw new UsageError(`--at must be an ISO-8601 time, got "${values.at}"`);
  const rulesFile = values.rules ?? io.env.RULES_FILE ?? './rules.yaml';
  const loaded = await loadRulesFile(rulesFile, io.env);
  if (!loaded.ok) {
    for (const e of loaded.errors) io.stderr(`${e}\n`);
    return 1;
  }
  const rules = activeRules(loaded.rules);
  if (values.event !== undefined) return testOne(values.event, rules, at, values.json === true, io);
  if (eventId !== undefined) return testStored(eventId, rules, values.data, values.json === true, io);
  return testFolder(positionals[0] as string, rules, loaded.rules.file.rules.map((r) => r.name), io);
}

async function readData(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  return file.endsWith('.yaml') || file.endsWith('.yml') ? parseYaml(text) : JSON.parse(text);
}

/** One event as the bridge would plan it at `now`, as the first event it has ever seen (no memory yet). */
async function testOne(file: string, rules: ActiveRules, now: number, json: boolean, io: CliIo): Promise<number> {
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
  const { plan } = rules.plan(parsed.event, { now, state: NO_STATE, mode: 'explain' });
  io.stdout(json ? `${JSON.stringify(planJson(plan), null, 2)}\n` : formatPlan(plan));
  return 0;
}

/**
 * A stored event explained at its receive time: the planner records only the misses it cannot
 * explain again (those that read memory), and this explains the others from the same compiled
 * conditions. No memory is read (memory conditions see it as the first event ever, as with --event;
 * the recorded decision has what memory said), and rules edited
 * since the event was planned are said to be.
 */
async function testStored(id: string, rules: ActiveRules, dataDir: string | undefined, json: boolean, io: CliIo): Promise<number> {
  const store = openStoreForCli(io, dataDir);
  if (!store) return 1;
  try {
    const stored = store.deliveries.getEvent(id);
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
    store.close();
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
