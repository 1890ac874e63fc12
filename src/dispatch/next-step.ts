import type { Outcome } from '../actions/action.js';
import type { Job, JobUpdate } from '../store/job-queue.js';
import type { DispatchPolicy } from './dispatch-policy.js';
import { nextDelay } from './next-delay.js';

export interface NextStepContext {
  readonly now: number;
  readonly policy: DispatchPolicy;
  readonly random: () => number;
  /** Whether an ambiguous outcome may be retried (the destination's send is idempotent). */
  readonly retryAmbiguous: boolean;
  /**
   * Cuts known credential values out of a reason before it is stored and logged: a vendor error
   * (or a proxy's) can echo the token it was sent. Every reason of a job passes here.
   */
  readonly scrub?: (text: string) => string;
}

/** `86400000` → `24h`, `1500` → `1500ms`: for dead-letter reasons people read. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * Pure: what becomes of a claimed job after one attempt. Permanent failures are never retried;
 * retryable ones back off until the job is out of attempts or too old, then become dead letters
 * with the last error. An ambiguous outcome (timed out after sending) is recorded as `ambiguous`
 * and not retried, since a retry could deliver twice where the vendor has no idempotency (Slack,
 * Discord webhooks); destinations whose sends are idempotent (HubSpot upsert by email, Discord bot
 * messages with `enforce_nonce`) set `retryAmbiguous` and retry it like any transient failure.
 */
/** Where the message went, from the sender's detail (Slack `channel`, Discord `channel_id`): the console links it with the ref. */
function channelOf(detail: Readonly<Record<string, unknown>> | undefined): { channel?: string } {
  const c = detail?.channel ?? detail?.channel_id;
  return typeof c === 'string' && c !== '' ? { channel: c } : {};
}

export function nextStep(job: Job, sent: Outcome, ctx: NextStepContext): JobUpdate {
  const { now, policy, scrub } = ctx;
  const outcome = scrub === undefined || sent.status === 'ok' ? sent : { ...sent, reason: scrub(sent.reason) };
  switch (outcome.status) {
    case 'ok':
      return { id: job.id, to: 'done', ...(outcome.ref !== undefined && { ref: outcome.ref }), ...channelOf(outcome.detail) };
    case 'fail':
      return { id: job.id, to: 'dead', reason: outcome.reason };
    case 'ambiguous':
      if (!ctx.retryAmbiguous) return { id: job.id, to: 'ambiguous', reason: outcome.reason };
      break;
    case 'retry':
      break;
  }
  const reason = outcome.status === 'ambiguous' ? `ambiguous: ${outcome.reason}` : outcome.reason;
  if (job.attempts >= policy.maxAttempts) {
    return { id: job.id, to: 'dead', reason: `out of attempts (${job.attempts}): ${reason}` };
  }
  if (now - job.createdAt >= policy.maxAgeMs) {
    return { id: job.id, to: 'dead', reason: `too old (over ${formatDuration(policy.maxAgeMs)}): ${reason}` };
  }
  const retryAfterMs = outcome.status === 'retry' ? outcome.retryAfterMs : undefined;
  const delay = nextDelay(job.attempts, ctx.random, policy.backoff, retryAfterMs);
  return { id: job.id, to: 'retry', at: now + delay, reason };
}
