import type { Plan } from '../rules/plan-types.js';
import type { NewDigestItem } from '../store/planner-store.js';

/** The plan's matches buffered into digests, as the store keeps them; a shadow rule's buffers nothing. */
export function digestItemsOf(plan: Plan): NewDigestItem[] {
  return plan.matches.flatMap((m) =>
    m.digest === undefined || m.shadow === true
      ? []
      : [{ rule: m.rule, key: m.digest.key, windowStart: m.digest.windowStart, windowEnd: m.digest.windowEnd, item: m.digest.item }],
  );
}
