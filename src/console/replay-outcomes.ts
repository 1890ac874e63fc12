import type { ReplayOutcome } from './console-replay.js';
import { randomToken } from './sessions.js';

/** Replays done from the console, by a random id, so the outcome page is a link to reload (newest kept, at most `max`). */
export interface ReplayOutcomes {
  add(outcome: ReplayOutcome): string;
  get(id: string): ReplayOutcome | undefined;
}

export function createReplayOutcomes(max = 100): ReplayOutcomes {
  const byId = new Map<string, ReplayOutcome>();
  return {
    add(outcome) {
      while (byId.size >= max) byId.delete(byId.keys().next().value as string);
      const id = randomToken().slice(0, 16);
      byId.set(id, outcome);
      return id;
    },
    get: (id) => byId.get(id),
  };
}
