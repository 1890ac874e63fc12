import type * as z from 'zod';
import type { JsonObject } from '../events/event.js';

/**
 * What one attempt at an action came to. Actions classify; the dispatcher decides what happens
 * next (retry, backoff, dead letter).
 */
export type Outcome = (
  /** Delivered. `ref` is what the vendor returned: Slack `ts`, Discord message id, HubSpot object id. */
  | { status: 'ok'; ref?: string; detail?: JsonObject }
  /** Transient and known not to have taken effect (network before send, 5xx, 429): retry. */
  | { status: 'retry'; reason: string; retryAfterMs?: number }
  /** May or may not have taken effect (timeout or reset after the request was sent). */
  | { status: 'ambiguous'; reason: string }
  /** Permanent (invalid auth, unknown channel, validation error): never retried. */
  | { status: 'fail'; reason: string }
) & {
  /**
   * Vendor ids to remember under this job's memo keys (see `ActionKind.memoKeys`), recorded by the
   * dispatcher just before the outcome, whatever its status: a Slack thread's root `ts`, the id of
   * a HubSpot note already created for this job.
   */
  readonly memos?: readonly Memo[];
};

/** One remembered vendor id. `ttlMs`: forgotten that long after it is recorded; absent keeps it. */
export interface Memo {
  readonly key: string;
  readonly value: string;
  readonly ttlMs?: number;
}

/** Per-attempt context handed to a sender by the dispatcher. */
export interface SendContext {
  readonly jobId: string;
  readonly eventId: string;
  /** Stable across retries and replays of the same job: `${eventId}:${rule}:${actionIndex}`. */
  readonly idempotencyKey: string;
  readonly signal: AbortSignal;
  /**
   * Says the call made `requests` vendor requests more than the kind's `requestsPerCall` counted
   * (HubSpot halving a rejected batch to find its bad input): the dispatcher charges them to the
   * rate limit, so the next call waits for them too.
   */
  readonly spentRequests?: (requests: number) => void;
  /** What the dispatcher remembers under this job's memo keys (`ActionKind.memoKeys`), by key. */
  readonly memos?: Readonly<Record<string, string>>;
}

/** Performs one destination's side effects. Never throws for expected vendor failures: it classifies them. */
export interface Sender<Req> {
  send(request: Req, ctx: SendContext): Promise<Outcome>;
  /** Optional batch path (HubSpot upserts): one outcome per item, in order. */
  sendBatch?(items: readonly { request: Req; ctx: SendContext }[]): Promise<Outcome[]>;
  /** Largest batch `sendBatch` accepts. */
  readonly maxBatch?: number;
  /**
   * Resolves (never rejects) once the vendor client library is loaded. Importing an SDK blocks the
   * event loop for 0.5-3 s, long enough to time out another sender's request in flight, so the
   * bridge sends nothing until every sender is ready. A failed load surfaces on the first send.
   */
  ready?(): Promise<void>;
  close?(): Promise<void>;
}

/** A rate limit the dispatcher enforces before sending: `limit` requests per `intervalMs`, per `key`. */
export interface RateLimit {
  readonly key: string;
  readonly limit: number;
  readonly intervalMs: number;
}

/** A credential field whose value has the wrong shape. */
export interface CredentialProblem {
  readonly field: string;
  readonly message: string;
}

/** Options every live sender gets from the composition root. */
export interface SenderDeps {
  /** Base URL override from the environment variable the kind names in `apiUrlEnv`. */
  readonly apiUrl?: string;
  /** Resolved credential values, by destination field name. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Per-request timeout in ms. */
  readonly timeoutMs: number;
}

/**
 * One destination kind: the single interface every destination implements. Adding a kind means a
 * new folder under src/actions/ exporting one of these, plus one line in registry.ts.
 */
export interface ActionKind<Dest extends { kind: string }, Params, Req> {
  readonly kind: Dest['kind'];
  /**
   * Environment variable that overrides this kind's API base URL (a proxy, or a fake server in
   * tests), e.g. `SLACK_API_URL`; it must end in `_API_URL`. Its value reaches `createSender` as `deps.apiUrl`.
   */
  readonly apiUrlEnv?: `${string}_API_URL`;
  /** zod schema of `destinations.<name>` for this kind (includes `kind: z.literal(...)`). */
  readonly destinationSchema: z.ZodType<Dest>;
  /** zod schema of a rule action `{ <kind>: params }`'s params. */
  readonly actionSchema: z.ZodType<Params>;
  /** Destination fields that hold credentials: `${ENV}` references only; unset means dry run. */
  readonly credentialFields: readonly (keyof Dest & string)[];
  /** Which credential sets make the destination live; any one complete set is enough. */
  readonly credentialSets: readonly (readonly (keyof Dest & string)[])[];
  /** Escapes one event value rendered into this destination's markup. */
  escape(value: string): string;
  /**
   * Pure: the exact request this action would send. `render` fills a template from the event with
   * this kind's escaping. Never sees credentials.
   */
  buildRequest(dest: Dest, params: Params, render: (template: string) => string): Req;
  /** Rate limit that applies to this request, if the vendor documents one. */
  rateLimit(dest: Dest, request: Req): RateLimit | undefined;
  /**
   * HTTP requests one call carrying `requests` makes, each counted against `rateLimit` (default
   * 1). A kind whose call is several vendor requests says so, or the pacing undercounts it.
   */
  requestsPerCall?(dest: Dest, requests: readonly Req[]): number;
  /**
   * Keys of what this job needs remembered across attempts, jobs and restarts (a thread root's
   * `ts`, a note already created by this job): the dispatcher reads them from the store into
   * `ctx.memos` before each attempt, and records the `memos` an outcome returns. Keys are scoped
   * to the destination by the dispatcher. `idempotencyKey` is the job's plan key.
   */
  memoKeys?(dest: Dest, request: Req, idempotencyKey: string): readonly string[];
  /** Requests with the same non-undefined key may go out together through `sendBatch`. */
  batchKey?(dest: Dest, request: Req): string | undefined;
  /** Most requests one `sendBatch` call carries (the live sender's `maxBatch`); a dry run batches the same. */
  readonly maxBatch?: number;
  /**
   * Problems with the resolved credential values' shape, as the vendor documents them, by field
   * (checked by `bridge check`, at start-up and on reload). Messages never quote the value.
   */
  checkCredentials?(secrets: Readonly<Record<string, string>>): readonly CredentialProblem[];
  /**
   * Who the credentials authenticate as, by the vendor's cheapest read call (`bridge check
   * --online`). Rejects with a message that names the vendor's answer, never the credential.
   */
  whoAmI?(dest: Dest, deps: SenderDeps): Promise<string>;
  /** Builds the live sender (the only place that touches the vendor client). */
  createSender(dest: Dest, deps: SenderDeps): Sender<Req>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyActionKind = ActionKind<any, any, any>;
