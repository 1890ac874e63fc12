import type { JsonObject } from '../events/event.js';
import type { CompiledCondition } from './compile-condition.js';
import { getPath } from './get-path.js';

/** What a condition can come to before memory is read: `maybe` when only the memory can tell. */
export type Possible = 'yes' | 'no' | 'maybe';

/**
 * Evaluates `condition` on the event's fields and receive time alone, a memory test counting as
 * unknown. `no` means it fails whatever the memory says, so the planner need not read the state of
 * that rule's cooldown (a hundred rules with cooldowns then cost one read per rule that can match,
 * not a hundred per event). Three-valued, so it is never wrong: `all` is `no` when a child is, `any`
 * when every child is, and `not` flips `yes` and `no`.
 */
export function canMatch(condition: CompiledCondition | undefined, view: JsonObject, now: number): Possible {
  if (condition === undefined) return 'yes';
  switch (condition.kind) {
    case 'memory':
      return 'maybe';
    case 'time':
      return condition.check(now).passed ? 'yes' : 'no';
    case 'leaf':
      return condition.check(getPath(view, condition.path), now) ? 'yes' : 'no';
    case 'not': {
      const child = canMatch(condition.child, view, now);
      return child === 'maybe' ? 'maybe' : child === 'yes' ? 'no' : 'yes';
    }
    default: {
      const results = condition.children.map((c) => canMatch(c, view, now));
      const decisive = condition.kind === 'all' ? 'no' : 'yes';
      if (results.includes(decisive)) return decisive;
      return results.includes('maybe') ? 'maybe' : condition.kind === 'all' ? 'yes' : 'no';
    }
  }
}
