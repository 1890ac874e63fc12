import type { ConfigIssue } from './config-error.js';
import { asRecord, own, rawActions, rawRules } from './raw-data.js';
import { walkConditions } from './walk-conditions.js';
import { CONDITION_KEYS } from './check-conditions.js';

/**
 * Names that must refer to something: each action's destination (of the action's kind), each
 * named list in `in` / `not_in`; rule names are unique. A list nobody uses is a warning.
 */
export function checkReferences(root: unknown, actionKinds: readonly string[]): { errors: ConfigIssue[]; warnings: ConfigIssue[] } {
  const errors: ConfigIssue[] = [];
  const file = asRecord(root) ?? {};
  const destinations = asRecord(own(file, 'destinations')) ?? {};
  const lists = asRecord(own(file, 'lists')) ?? {};
  const usedLists = new Set<string>();
  const ruleNames = new Map<string, number>();

  for (const { rule, path } of rawRules(root)) {
    const name = own(rule, 'name');
    if (typeof name === 'string') {
      const first = ruleNames.get(name);
      if (first === undefined) ruleNames.set(name, Number(path[1]));
      else errors.push({ path: [...path, 'name'], message: `duplicate rule name "${name}" (already used by rules[${first}])` });
    }

    for (const action of rawActions(rule, path)) {
      const target = own(action.params, 'destination');
      if (!actionKinds.includes(action.kind) || typeof target !== 'string') continue;
      const at = [...action.path, 'destination'];
      if (!Object.hasOwn(destinations, target)) {
        errors.push({ path: at, message: `undefined destination "${target}"` });
        continue;
      }
      const kind = own(asRecord(destinations[target]) ?? {}, 'kind');
      // A destination of an unknown kind is already an error of its own.
      if (typeof kind === 'string' && actionKinds.includes(kind) && kind !== action.kind) {
        errors.push({ path: at, message: `destination "${target}" is a ${kind} destination, not ${action.kind}` });
      }
    }

    for (const key of CONDITION_KEYS) walkConditions(own(rule, key), [...path, key], (condition, at) => {
      for (const op of ['in', 'not_in'] as const) {
        const list = own(condition, op);
        if (typeof list !== 'string') continue;
        usedLists.add(list);
        if (!Object.hasOwn(lists, list)) errors.push({ path: [...at, op], message: `undefined list "${list}"` });
      }
    });
  }

  const warnings = Object.keys(lists)
    .filter((name) => !usedLists.has(name))
    .map((name): ConfigIssue => ({ path: ['lists', name], at: 'key', message: `list "${name}" is defined but never used` }));
  return { errors, warnings };
}
