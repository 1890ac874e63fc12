import { activeRules } from '../../src/bridge/active-rules.js';
import { loadRulesText } from '../../src/config/load-rules.js';
import { parseEvent } from '../../src/events/parse-event.js';
import { silentLogger } from '../../src/log.js';
import { createPlanner } from '../../src/planner/create-planner.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';

/** One delivery to store: its body as Returning.AI posts it, received at `at` (ms). */
export interface SeedEvent {
  readonly body: unknown;
  readonly at: number;
}

/**
 * Fills the store in `dir` as `bridge serve` would have: each body parsed and stored at its receive
 * time, then planned by the real planner with the rules in `rulesYaml`. Returns the event ids in order.
 */
export async function seedStore(dir: string, rulesYaml: string, events: readonly SeedEvent[]): Promise<string[]> {
  const loaded = loadRulesText(rulesYaml, 'rules.yaml', {});
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  const rules = activeRules(loaded.rules);
  let clock = events[0]?.at ?? 0;
  const log = silentLogger();
  const store = openSqliteStore({ dir, now: () => clock, log });
  const planner = createPlanner({ store: store.planner, rules: () => rules, now: () => clock, log });
  const ids: string[] = [];
  try {
    planner.start();
    for (const { body, at } of events) {
      clock = at;
      const parsed = parseEvent(body);
      if (!parsed.ok) throw new Error(`seed event did not parse: ${JSON.stringify(parsed)}`);
      const e = parsed.event;
      ids.push(e.id);
      await store.accept({ id: e.id, type: e.type, name: e.name, payload: JSON.stringify(e.payload), rulesVersion: rules.version, receivedAt: at });
    }
    planner.wake();
    await planner.idle();
  } finally {
    await planner.stop();
    store.close();
  }
  return ids;
}
