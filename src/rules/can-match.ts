import type { JsonObject } from '../events/event.js';
import type { CompiledCondition } from './compile-condition.js';
import { getPath } from './get-path.js';
import type { MemoryView } from './memory.js';

/** What a condition can come to before memory (or a CRM value) is known: `maybe` when only they can tell. */
export type Possible = 'yes' | 'no' | 'maybe';

/**
 * Evaluates `condition` on the event's fields and receive time alone, a memory test counting as
 * unknown (unless `memory` is given) and a `crm.contact.*` test as unknown unless the view carries
 * the CRM values (`view.crm`, set by the planning of a rule whose lookup answered). `no` means it
 * fails whatever the unknowns say, so the planner need not read the state of that rule's cooldown,
 * nor look its contact up in the CRM (a hundred rules with cooldowns then cost one read per rule
 * that can match, not a hundred per event). Three-valued, so it is never wrong: `all` is `no` when
 * a child is, `any` when every child is, and `not` flips `yes` and `no`.
 */
export function canMatch(condition: CompiledCondition | undefined, view: JsonObject, now: number, memory?: MemoryView): Possible {
  if (condition === undefined) return 'yes';
  switch (condition.kind) {
    case 'memory': {
      if (memory === undefined) return 'maybe';
      const m = memory.of(condition.spec);
      return m.key !== '' && condition.check(m, memory.now).passed ? 'yes' : 'no';
    }
    case 'time':
      return condition.check(now).passed ? 'yes' : 'no';
    case 'leaf':
      if (condition.crm !== undefined && getPath(view, CRM_ROOT) === undefined) return 'maybe';
      return condition.check(getPath(view, condition.path), now) ? 'yes' : 'no';
    case 'not': {
      const child = canMatch(condition.child, view, now, memory);
      return child === 'maybe' ? 'maybe' : child === 'yes' ? 'no' : 'yes';
    }
    default: {
      const results = condition.children.map((c) => canMatch(c, view, now, memory));
      const decisive = condition.kind === 'all' ? 'no' : 'yes';
      if (results.includes(decisive)) return decisive;
      return results.includes('maybe') ? 'maybe' : condition.kind === 'all' ? 'yes' : 'no';
    }
  }
}

const CRM_ROOT = ['crm'] as const;
