import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../log.js';
import { HttpError } from '../receive/http-error.js';
import { JOB_STATUSES, type JobStatus } from '../store/job-queue.js';
import { clientKey, createRateLimiter } from '../receive/rate-limit.js';
import { consoleCookie, readCookies } from './cookies.js';
import { CONSOLE_CSS } from './console-css.js';
import { CONSOLE_FAVICON } from './console-favicon.js';
import { streamEvents } from './event-stream.js';
import { LIVE_EVENTS_JS } from './live-events-script.js';
import { deadLetters, eventDetail, listEvents, personEvents } from './console-data.js';
import type { ConsoleRules, ConsoleStore } from './console-deps.js';
import { parseFilter } from './event-filter.js';
import { consoleReplay, type ReplayRequest } from './console-replay.js';
import { deadLettersPage } from './dead-letters-page.js';
import { eventPage } from './event-page.js';
import { eventsPage } from './events-page.js';
import type { SafeHtml } from './html.js';
import { loginPage, messagePage } from './login-page.js';
import { createReplayOutcomes } from './replay-outcomes.js';
import { replayPage } from './replay-page.js';
import { sameSecret } from './same-secret.js';
import { whyPage } from './why-page.js';
import { ruleActivity } from './rule-activity.js';
import { destinationActivity } from './destination-activity.js';
import { rulesPage, type ConsoleStatus } from './rules-page.js';
import { createSessions, randomToken, type Session } from './sessions.js';

export interface ConsoleOptions {
  /** CONSOLE_PASSWORD: the login form's password; unset, the pages cannot be logged into. */
  readonly password?: string;
  /** CONSOLE_TOKEN: `Authorization: Bearer <token>` for the JSON API (the CLI's `--url`). */
  readonly token?: string;
  readonly store: ConsoleStore;
  readonly rules: () => ConsoleRules;
  readonly now: () => number;
  readonly log: Logger;
  /** Login attempts per client per minute (default 10). */
  readonly loginPerMinute?: number;
  /** How long a login lasts (default 12 h). */
  readonly sessionTtlMs?: number;
  /** The bridge's own state for the Rules page (rules status, destinations, breakers, queue); without it the page says so. */
  readonly status?: () => ConsoleStatus | Promise<ConsoleStatus>;
  /** How often a live Events page's stream checks the store for new events (default 1000 ms). */
  readonly livePollMs?: number;
  /** Aborted when the bridge shuts down: live streams end, so they do not hold the shutdown up. */
  readonly closing?: AbortSignal;
  /** Called after a replay queued jobs (the bridge wakes its dispatcher, so they go out now, not at the next poll). */
  readonly onReplayed?: () => void;
}

export const CONSOLE_PATH = '/console';
const SESSION_COOKIE = 'bridge_console';
const LOGIN_COOKIE = 'bridge_console_login';

/** Content-Security-Policy of every console answer: only the bridge's own script, style and images; no inline script or style. */
export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

type Who = { readonly kind: 'session'; readonly session: Session } | { readonly kind: 'token' };

const isApi = (req: Request): boolean => req.path.startsWith('/api/') || req.path === '/api';
const sendPage = (res: Response, status: number, page: SafeHtml): void => void res.status(status).type('html').send(page.text);

/** Where to go after logging in: only a console path (never another site). */
function nextOf(v: unknown): string {
  return typeof v === 'string' && /^\/console\/[A-Za-z0-9/_\-.~%?=&:+]*$/.test(v) && !v.startsWith('//') ? v : '/console/events';
}

/**
 * The web console (issue 13), mounted at /console on the bridge's port: server-rendered pages and
 * the JSON API under /console/api they show. Every page and API answer needs a login (a session
 * cookie: random id, kept server-side, HttpOnly, SameSite=Strict, Secure over HTTPS) or the bearer
 * token; every state-changing request needs the session's CSRF token; logins are rate-limited per
 * client; a strict CSP allows no inline script or style, and every value is escaped (html.ts).
 */
export function createConsole(opts: ConsoleOptions): Router {
  const router = express.Router();
  const sessions = createSessions({ now: opts.now, ttlMs: opts.sessionTtlMs ?? 12 * 3_600_000 });
  const loginLimiter = createRateLimiter({ perMinute: opts.loginPerMinute ?? 10, now: opts.now, maxClients: 10_000 });
  const ttlSeconds = Math.floor((opts.sessionTtlMs ?? 12 * 3_600_000) / 1000);

  router.use((_req, res, next) => {
    res.set({ 'Content-Security-Policy': CONSOLE_CSP, 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'no-referrer', 'Cross-Origin-Opener-Policy': 'same-origin' });
    next();
  });
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  router.use(express.json({ limit: '64kb' }));

  router.get('/assets/console.css', (_req, res) => void res.type('css').set('Cache-Control', 'public, max-age=3600').send(CONSOLE_CSS));
  router.get('/assets/live-events.js', (_req, res) => void res.type('js').set('Cache-Control', 'public, max-age=3600').send(LIVE_EVENTS_JS));
  router.get('/assets/favicon.svg', (_req, res) => void res.type('svg').set('Cache-Control', 'public, max-age=86400').send(CONSOLE_FAVICON));

  const showLogin = (req: Request, res: Response, status: number, error?: string): void => {
    const csrf = randomToken();
    res.append('Set-Cookie', consoleCookie(LOGIN_COOKIE, csrf, { secure: req.secure, maxAgeSeconds: 3600 }));
    const next = typeof req.query.next === 'string' ? nextOf(req.query.next) : typeof req.body?.next === 'string' ? nextOf(req.body.next) : undefined;
    sendPage(res, status, loginPage({ csrf, ...(error !== undefined && { error }), ...(next !== undefined && { next }) }));
  };

  router.get('/login', (req, res) => {
    if (opts.password === undefined) return sendPage(res, 404, messagePage({ title: 'Login is off', message: 'CONSOLE_PASSWORD is not set: the console answers only its API, with the bearer token.' }));
    showLogin(req, res, 200);
  });

  router.post('/login', (req, res) => {
    if (opts.password === undefined) return sendPage(res, 404, messagePage({ title: 'Login is off', message: 'CONSOLE_PASSWORD is not set.' }));
    const limited = loginLimiter.take(clientKey(req.ip));
    if (!limited.ok) {
      opts.log.warn({ ip: req.ip, path: '/console/login' }, 'console login rate-limited');
      res.set('Retry-After', String(limited.retryAfterSeconds));
      return sendPage(res, 429, messagePage({ title: 'Too many login attempts', message: `Too many login attempts from your address: try again in ${limited.retryAfterSeconds} s.` }));
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const cookie = readCookies(req.headers.cookie).get(LOGIN_COOKIE);
    if (cookie === undefined || typeof body._csrf !== 'string' || !sameSecret(body._csrf, cookie)) {
      return sendPage(res, 403, messagePage({ title: 'Forbidden', message: 'The form’s security token is missing or does not match (CSRF check): reload the login page and try again.' }));
    }
    if (typeof body.password !== 'string' || !sameSecret(body.password, opts.password)) {
      opts.log.warn({ ip: req.ip }, 'console login refused: wrong password');
      return showLogin(req, res, 401, 'Wrong password.');
    }
    const session = sessions.create();
    res.append('Set-Cookie', consoleCookie(SESSION_COOKIE, session.id, { secure: req.secure, maxAgeSeconds: ttlSeconds }));
    res.append('Set-Cookie', consoleCookie(LOGIN_COOKIE, '', { secure: req.secure, maxAgeSeconds: 0 }));
    opts.log.info({ ip: req.ip }, 'console login');
    res.redirect(303, nextOf(body.next));
  });

  // Everything below needs a login or the token.
  router.use((req, res, next) => {
    const session = sessions.get(readCookies(req.headers.cookie).get(SESSION_COOKIE));
    const auth = req.headers.authorization;
    const bearer = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    let who: Who | undefined;
    if (session !== undefined) who = { kind: 'session', session };
    else if (bearer !== undefined && opts.token !== undefined && sameSecret(bearer, opts.token)) who = { kind: 'token' };
    if (who === undefined) {
      if (isApi(req)) throw new HttpError(401, 'unauthorized', 'log in to the console, or send Authorization: Bearer <CONSOLE_TOKEN>');
      if (req.method === 'GET' || req.method === 'HEAD') return res.redirect(303, `/console/login?next=${encodeURIComponent(req.originalUrl)}`);
      throw new HttpError(401, 'unauthorized', 'your console session has ended: log in again');
    }
    // A session's state-changing request carries its CSRF token; a bearer token is not sent by browsers on their own.
    if (who.kind === 'session' && req.method !== 'GET' && req.method !== 'HEAD') {
      const given = req.get('x-csrf-token') ?? (req.body as Record<string, unknown> | undefined)?._csrf;
      if (typeof given !== 'string' || !sameSecret(given, who.session.csrf)) {
        opts.log.warn({ ip: req.ip, path: req.path }, 'console request refused: CSRF token mismatch');
        throw new HttpError(403, 'csrf_mismatch', 'the CSRF token is missing or does not match this session: reload the page and try again');
      }
    }
    res.locals.csrf = who.kind === 'session' ? who.session.csrf : undefined;
    res.locals.who = who;
    next();
  });

  router.post('/logout', (req, res) => {
    const who = res.locals.who as Who;
    if (who.kind === 'session') sessions.delete(who.session.id);
    res.append('Set-Cookie', consoleCookie(SESSION_COOKIE, '', { secure: req.secure, maxAgeSeconds: 0 }));
    res.redirect(303, '/console/login');
  });

  const csrfOf = (res: Response): { csrf?: string } => (typeof res.locals.csrf === 'string' ? { csrf: res.locals.csrf } : {});

  router.get('/', (_req, res) => res.redirect(303, '/console/events'));
  router.get('/events', async (req, res) => {
    const parsed = parseFilter(req.query as Record<string, unknown>);
    const names = opts.rules().names;
    if (!parsed.ok) return sendPage(res, 400, eventsPage({ ...csrfOf(res), now: opts.now(), query: parsed.query, ruleNames: names, list: undefined, errors: parsed.errors }));
    sendPage(res, 200, eventsPage({ ...csrfOf(res), now: opts.now(), query: parsed.query, ruleNames: names, list: await listEvents(opts.store, parsed.filter, parsed.query.page) }));
  });
  // The live Events page's server-sent events: new matching events since `after` (ms), as rows.
  router.get('/events/stream', (req, res) => {
    const parsed = parseFilter(req.query as Record<string, unknown>);
    const after = Number(req.query.after);
    if (!parsed.ok || !Number.isSafeInteger(after)) throw new HttpError(400, 'bad_filter', parsed.ok ? 'after must be a time in ms' : parsed.errors.join('; '));
    streamEvents(res, { store: opts.store, filter: parsed.filter, after, pollMs: opts.livePollMs ?? 1000, ...(opts.closing !== undefined && { signal: opts.closing }) });
  });
  router.get('/events/:id', async (req, res) => {
    const detail = await eventDetail(opts.store, opts.rules(), String(req.params.id));
    if (detail === undefined) return sendPage(res, 404, messagePage({ ...csrfOf(res), title: 'No such event', message: `No event "${String(req.params.id)}" in the store (it may have been pruned or forgotten).` }));
    sendPage(res, 200, eventPage({ ...csrfOf(res), detail }));
  });

  router.get('/api/events', async (req, res) => {
    const parsed = parseFilter(req.query as Record<string, unknown>);
    if (!parsed.ok) throw new HttpError(400, 'bad_filter', parsed.errors.join('; '));
    res.json(await listEvents(opts.store, parsed.filter, parsed.query.page));
  });
  router.get('/api/events/:id', async (req, res) => {
    const detail = await eventDetail(opts.store, opts.rules(), String(req.params.id));
    if (detail === undefined) throw new HttpError(404, 'not_found', `no event "${String(req.params.id)}"`);
    res.json(detail);
  });

  const pageOf = (v: unknown): number => (typeof v === 'string' && /^[1-9]\d{0,5}$/.test(v) ? Number(v) : 1);
  router.get('/why', async (req, res) => {
    const user = typeof req.query.user === 'string' ? req.query.user.trim() : '';
    const rule = typeof req.query.rule === 'string' ? req.query.rule : '';
    const rules = opts.rules();
    const result = user === '' ? undefined : await personEvents(opts.store, rules, user, pageOf(req.query.page));
    sendPage(res, 200, whyPage({ ...csrfOf(res), user, rule, ruleNames: rules.names, ...(result !== undefined && { result }) }));
  });
  router.get('/api/why', async (req, res) => {
    const user = typeof req.query.user === 'string' ? req.query.user.trim() : '';
    if (user === '') throw new HttpError(400, 'bad_request', 'give user: an email or a user id');
    res.json(await personEvents(opts.store, opts.rules(), user, pageOf(req.query.page)));
  });

  router.get('/rules', async (_req, res) => {
    if (opts.status === undefined) return sendPage(res, 404, messagePage({ ...csrfOf(res), title: 'Rules', message: 'This console has no view of the bridge’s state.' }));
    const now = opts.now();
    const { names } = opts.rules();
    const events = await opts.store.deliveries.listEvents({ since: now - 24 * 3_600_000, limit: 20_000 });
    const status = await opts.status();
    sendPage(res, 200, rulesPage({
      ...csrfOf(res), status, names, activity: ruleActivity(events, names, now),
      queues: await opts.store.deliveries.queueDepth(), destinationActivity: destinationActivity(events, status.destinations.map((d) => d.name), now),
    }));
  });

  const outcomes = createReplayOutcomes();
  const DEAD_LIMIT = 200;
  const replay = async (req: ReplayRequest) => {
    const outcome = await consoleReplay(opts.store, opts.rules, req, opts.now());
    if (outcome.requeued.length > 0) opts.onReplayed?.();
    opts.log.info({ requeued: outcome.requeued.length, skipped: outcome.skipped.length, rulesNow: outcome.rulesNow }, 'console replay');
    return outcome;
  };
  const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

  router.get('/dead', async (_req, res) => sendPage(res, 200, deadLettersPage({ ...csrfOf(res), dead: await deadLetters(opts.store, DEAD_LIMIT), limit: DEAD_LIMIT })));
  // The dead-letters form: a row's Replay button sends `one`, Replay selected the checked `job`s.
  router.post('/dead/replay', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const one = strings(body.one);
    const ids = one.length > 0 ? one : strings(body.job);
    if (ids.length === 0) return sendPage(res, 400, deadLettersPage({ ...csrfOf(res), dead: await deadLetters(opts.store, DEAD_LIMIT), limit: DEAD_LIMIT, errors: ['Select at least one dead letter to replay.'] }));
    const outcome = await replay({ ids, rulesNow: body.rules === 'now' });
    res.redirect(303, `/console/replays/${outcomes.add(outcome)}`);
  });
  router.get('/replays/:id', async (req, res) => {
    const outcome = outcomes.get(String(req.params.id));
    if (outcome === undefined) return sendPage(res, 404, messagePage({ ...csrfOf(res), title: 'No such replay', message: 'This replay is not known (the bridge keeps the last 100 until it restarts).' }));
    const jobs = (await Promise.all(outcome.requeued.map((q) => opts.store.deliveries.getJob(q.to)))).filter((j) => j !== undefined);
    sendPage(res, 200, replayPage({ ...csrfOf(res), outcome, jobs }));
  });

  const limitOf = (v: unknown, fallback: number): number => {
    const limit = Number(v ?? fallback);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new HttpError(400, 'bad_limit', 'limit must be a whole number from 1 to 10000');
    return limit;
  };
  router.get('/api/dead', async (req, res) => {
    res.json({ dead: await opts.store.deliveries.listDead({ limit: limitOf(req.query.limit, 100) }) });
  });
  // `bridge deliveries --url`: the events with their jobs exactly as the store lists them for the CLI.
  router.get('/api/deliveries', async (req, res) => {
    const status = req.query.status;
    if (status !== undefined && !(typeof status === 'string' && (JOB_STATUSES as readonly string[]).includes(status))) throw new HttpError(400, 'bad_status', `status must be one of ${JOB_STATUSES.join(', ')}`);
    res.json({ events: await opts.store.deliveries.listEvents({ ...(status !== undefined && { status: status as JobStatus }), limit: limitOf(req.query.limit, 50) }) });
  });
  router.get('/api/jobs/:id', async (req, res) => {
    const job = await opts.store.deliveries.getJob(String(req.params.id));
    if (job === undefined) throw new HttpError(404, 'not_found', `no job "${String(req.params.id)}"`);
    res.json(job);
  });
  // `bridge replay --url`: { ids: [job or event ids], dead?: true, rulesNow?: true }.
  router.post('/api/replay', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const raw: unknown = body.ids ?? [];
    if (!Array.isArray(raw) || !raw.every((x) => typeof x === 'string')) throw new HttpError(400, 'bad_request', 'ids must be an array of job or event ids');
    const ids = raw as string[];
    if ((body.dead === true) === ids.length > 0) throw new HttpError(400, 'bad_request', 'give job or event ids, or dead: true');
    res.json(await replay({ ids, dead: body.dead === true, rulesNow: body.rulesNow === true }));
  });

  router.use((req, _res, next) => next(new HttpError(404, 'not_found', isApi(req) ? 'no such console API route' : 'no such console page')));
  // Errors as JSON for the API, as a page for the browser; never a stack trace.
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const known = err instanceof HttpError ? err : undefined;
    const status = known?.status ?? 500;
    if (known === undefined) opts.log.error({ err, path: req.path }, 'console error');
    const message = known?.message ?? 'internal error';
    if (isApi(req)) return void res.status(status).json({ error: { code: known?.code ?? 'internal_error', message } });
    const title = status === 403 ? 'Forbidden' : status === 404 ? 'Not found' : status === 401 ? 'Logged out' : 'Error';
    sendPage(res, status, messagePage({ ...csrfOf(res), title, message: message.charAt(0).toUpperCase() + message.slice(1) }));
  });
  return router;
}
