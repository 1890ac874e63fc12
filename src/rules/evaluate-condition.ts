import type { JsonObject } from '../events/event.js';
import type { CompiledCondition } from './compile-condition.js';
import { NO_MEMORY, type MemoryView } from './memory.js';
import { getPath } from './get-path.js';
import type { Explanation } from './plan-types.js';

/**
 * `decide` (what the intake plans with): `all` stops at its first failing child and `any` at its
 * first passing one, and their explanations list only the children that were evaluated. `explain`
 * (what `bridge test` shows): every child is evaluated and listed, with the same result.
 */
export type EvaluationMode = 'decide' | 'explain';

/**
 * Whether a compiled condition holds for an event view: the planner's hot path. It builds nothing
 * (no explanation, no strings); `evaluateCondition` explains the same compiled condition with the
 * same leaf checks and the same all/any/not logic, so the two cannot disagree (the tests prove it
 * on random conditions and events).
 */
export function decideCondition(condition: CompiledCondition, view: JsonObject, memory: MemoryView = NO_MEMORY): boolean {
  switch (condition.kind) {
    case 'memory': {
      const m = memory.of(condition.spec);
      return m.key !== '' && condition.check(m, memory.now).passed;
    }
    case 'time':
      return condition.check(memory.now).passed;
    case 'leaf':
      return condition.check(getPath(view, condition.path), memory.now);
    case 'not':
      return !decideCondition(condition.child, view, memory);
    case 'all':
      for (const c of condition.children) if (!decideCondition(c, view, memory)) return false;
      return true;
    default:
      for (const c of condition.children) if (decideCondition(c, view, memory)) return true;
      return false;
  }
}

/** Evaluates a compiled condition against an event view (see eventView) and explains the result. */
export function evaluateCondition(condition: CompiledCondition, view: JsonObject, mode: EvaluationMode = 'decide', memory: MemoryView = NO_MEMORY): Explanation {
  switch (condition.kind) {
    case 'memory': {
      const m = memory.of(condition.spec);
      if (m.key === '') return { test: `${condition.test}: the event's key ${condition.spec} is empty`, passed: false };
      const { passed, actual } = condition.check(m, memory.now);
      return actual === undefined ? { test: condition.test, passed } : { test: condition.test, passed, actual };
    }
    case 'time': {
      const { passed, actual } = condition.check(memory.now);
      return { test: condition.test, passed, actual };
    }
    case 'leaf': {
      // Its rule's CRM lookup did not answer (or `bridge test --offline` had no cached answer).
      if (condition.crm !== undefined && getPath(view, ['crm']) === undefined) return { test: `${condition.test}: unknown`, passed: false };
      const actual = getPath(view, condition.path);
      const passed = condition.check(actual, memory.now);
      if (actual === undefined) return { test: condition.test, passed };
      const why = passed ? undefined : condition.why?.(actual);
      return { test: why === undefined ? condition.test : `${condition.test}: ${why}`, passed, actual };
    }
    case 'not': {
      const child = evaluateCondition(condition.child, view, mode, memory);
      return { test: 'not', passed: !child.passed, children: [child] };
    }
    default: {
      const wanted = condition.kind === 'any';
      const children: Explanation[] = [];
      let decided = false;
      for (const c of condition.children) {
        const child = evaluateCondition(c, view, mode, memory);
        children.push(child);
        if (child.passed === wanted) {
          decided = true;
          if (mode === 'decide') break;
        }
      }
      return { test: condition.kind, passed: decided ? wanted : !wanted, children };
    }
  }
}

/** The whole tree on one line: `all(a, not(b))`. */
function describe(e: Explanation): string {
  return e.children === undefined ? e.test : `${e.test}(${e.children.map(describe).join(', ')})`;
}

/**
 * One line saying why a failed explanation failed: the failing leaf under `all`, every alternative
 * under `any`, the condition that held under `not`.
 */
export function failureSummary(e: Explanation): string {
  if (e.children === undefined) return e.test;
  if (e.test === 'not') return `not(${e.children.map(describe).join(', ')})`;
  if (e.test === 'any') return `none of (${e.children.map(failureSummary).join('; ')})`;
  const failed = e.children.find((c) => !c.passed);
  return failed === undefined ? describe(e) : failureSummary(failed);
}
