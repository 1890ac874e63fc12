import type { Outcome } from '../action.js';
import { classifyHubspotError, type HubspotOperation } from './classify-hubspot-error.js';

/** One input's answer from a HubSpot batch call: the object id, or why not. */
export type BatchResult = { status: 'ok'; id: string } | Exclude<Outcome, { status: 'ok' }>;

/**
 * Sends `inputs` in one batch call and returns each input's result by `keyOf`. When HubSpot
 * rejects a whole batch as invalid (400/409: nothing in it was written), one bad input would
 * otherwise fail up to 99 good ones, so the batch is halved and retried: a single bad input costs
 * about 2·log2(n) extra calls. When both halves are rejected too, the fault is not one input (an
 * unknown property, say) and everything fails without further calls. Any other failure (429, 5xx,
 * a timeout) gives every input the same outcome, classified for `operation`.
 */
export async function isolateBatch<I>(
  inputs: readonly I[],
  keyOf: (input: I) => string,
  operation: HubspotOperation,
  call: (inputs: I[]) => Promise<Map<string, BatchResult>>,
): Promise<Map<string, BatchResult>> {
  type Attempt = { answered: Map<string, BatchResult> } | { rejected: BatchResult; invalid: boolean };

  const attempt = async (part: readonly I[]): Promise<Attempt> => {
    try {
      return { answered: await call([...part]) };
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      return { rejected: classifyHubspotError(error, operation) as BatchResult, invalid: code === 400 || code === 409 };
    }
  };
  const fill = (out: Map<string, BatchResult>, part: readonly I[], result: BatchResult) => {
    for (const input of part) out.set(keyOf(input), result);
    return out;
  };
  const isolate = async (part: readonly I[]): Promise<Map<string, BatchResult>> => {
    const mid = Math.ceil(part.length / 2);
    const halves = [part.slice(0, mid), part.slice(mid)];
    const attempts: Attempt[] = [];
    for (const half of halves) attempts.push(await attempt(half)); // one at a time: gentle on the rate limit
    const systemic = attempts.every((a) => 'rejected' in a && a.invalid);
    const out = new Map<string, BatchResult>();
    for (const [i, a] of attempts.entries()) {
      const half = halves[i] ?? [];
      if ('answered' in a) for (const [k, v] of a.answered) out.set(k, v);
      else if (a.invalid && half.length > 1 && !systemic) for (const [k, v] of await isolate(half)) out.set(k, v);
      else fill(out, half, a.rejected);
    }
    return out;
  };

  const first = await attempt(inputs);
  if ('answered' in first) return first.answered;
  return first.invalid && inputs.length > 1 ? isolate(inputs) : fill(new Map(), inputs, first.rejected);
}

/** A 207's per-input errors: `category` when it is one of HubSpot's plain codes, else `ERROR`. */
export function errorCategory(category: unknown): string {
  return typeof category === 'string' && /^[A-Z_]{1,64}$/.test(category) ? category : 'ERROR';
}
