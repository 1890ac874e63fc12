import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadedRules } from '../config/load-rules.js';
import { loadRulesFile } from '../config/load-rules.js';
import { createRulesHolder, type RulesHolder } from '../config/rules-holder.js';
import { watchRules, type RulesWatcher } from '../config/watch-rules.js';
import { createDispatcher, type Dispatcher } from '../dispatch/dispatcher.js';
import { resolvePolicy } from '../dispatch/dispatch-policy.js';
import { createRateLimiter } from '../dispatch/rate-limiter.js';
import { createCrmReader } from './create-crm-reader.js';
import type { Env, Settings } from '../env.js';
import type { Logger } from '../log.js';
import { createMetrics, type Metrics } from '../observe/metrics.js';
import type { AuthConfig } from '../receive/auth/auth-config.js';
import { AuthConfigError, isAuthConfigured, resolveAuth } from '../receive/auth/resolve-auth.js';
import { createApp } from '../receive/create-app.js';
import { CONSOLE_PATH, createConsole } from '../console/create-console.js';
import { hardenServer } from '../receive/harden-server.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { createLaneLeases, type LaneLeases } from '../dispatch/lane-leases.js';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { activeRules, type ActiveRules } from './active-rules.js';
import { buildDestinations, type StagedDestinations } from './build-destinations.js';
import { checkOnline } from './check-online.js';
import { createCredentialStatus } from './credential-status.js';
import { deadLetterOrphans } from './dead-letter-orphans.js';
import { scheduleHistoryPruning } from './schedule-history-pruning.js';
import { createIntake } from './create-intake.js';
import { createPlanner, type Planner } from '../planner/create-planner.js';
import { createDigestFlusher } from '../planner/create-digest-flusher.js';
import { createDrainer } from './drain-server.js';
import { listenHost } from './listen-host.js';
import { withRequestMetrics } from './metrics-middleware.js';
import { recordSettled } from '../observe/record-settled.js';
import { createSecretScrubber, type SecretScrubber } from '../secret-scrubber.js';
import { secretValues } from './secret-values.js';
import { linkSettings } from './link-settings.js';
import { errorMessage } from '../error-message.js';

/**
 * Under load, a planner batch gathers for up to this long after the previous one started: at 2,500
 * events/s, 20 ms cut the bridge's CPU per event ~5 % and its disk writes ~25 % (fewer, larger
 * transactions), for at most 20 ms more between receipt and send. 50 ms bought nothing more.
 */
const PLANNER_GATHER_MS = 20;

/** How long past its action timeout a running job waits before it counts as lost. */
const LEASE_GRACE_MS = 30_000;

/** The rules in force: the compiled planner plus what it was loaded from. */
export interface RulesInForce {
  readonly active: ActiveRules;
  readonly loaded: LoadedRules;
  /** `auth:` with its secrets resolved. */
  readonly auth: AuthConfig;
}

export interface RunningBridge {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  readonly store: Store;
  readonly planner: Planner;
  readonly dispatcher: Dispatcher;
  readonly holder: RulesHolder<RulesInForce>;
  readonly metrics: Metrics;
  readonly watcher: RulesWatcher;
  /** Resolves once every stored event is planned and the dispatcher has nothing due (tests, benchmarks). */
  idle(): Promise<void>;
  /** Resolves once the latest credential check (start-up, or the last reload) has answered. */
  credentialsChecked(): Promise<void>;
  /** Graceful stop: no new requests, answer those in flight, let running actions finish, close the store. */
  close(opts?: { readonly timeoutMs?: number }): Promise<void>;
}

export type StartResult = { ok: true; bridge: RunningBridge } | { ok: false; errors: readonly string[] };

export interface StartOptions {
  readonly settings: Settings;
  readonly env: Env;
  readonly log: Logger;
  readonly now?: () => number;
  /** Watch rules.yaml for changes (default true). */
  readonly watch?: boolean;
  /** Dispatcher policy overrides (tests shorten backoff). */
  readonly policy?: Parameters<typeof createDispatcher>[0]['policy'];
  /** Known credential values, cut out of stored errors (and of `log`, if it was made with it). */
  readonly scrubber?: SecretScrubber;
  /** Ask each live destination's vendor who its credentials are, at start-up and after each reload (default true). */
  readonly checkCredentials?: boolean;
}

/** TRUST_PROXY: `true`, a hop count, or Express's list of trusted addresses. */
function trustProxyOf(v: string): boolean | number | string {
  if (v === 'true' || v === 'false') return v === 'true';
  return /^\d+$/.test(v) ? Number(v) : v;
}

/** resolveAuth's problems (a malformed secret, say) as `file path: message` lines; anything else as is. */
function authErrors(err: unknown, file: string): string[] {
  if (err instanceof AuthConfigError) return err.message.split('\n').map((line) => `${file} ${line}`);
  return [errorMessage(err)];
}

/**
 * The composition root: loads the rules, opens the store, builds the senders, the dispatcher and
 * the HTTP app, and listens. Every dependency is constructed here and passed down.
 */
export async function startBridge(opts: StartOptions): Promise<StartResult> {
  const { settings, env, log } = opts;
  const now = opts.now ?? Date.now;

  const first = await loadRulesFile(settings.RULES_FILE, env);
  if (!first.ok) return { ok: false, errors: first.errors };
  let auth: AuthConfig;
  try {
    auth = resolveAuth(first.rules.file.auth, env);
  } catch (err) {
    return { ok: false, errors: authErrors(err, settings.RULES_FILE) };
  }
  const host = listenHost({ host: settings.HOST, authConfigured: isAuthConfigured(auth), allowUnauthenticated: settings.ALLOW_UNAUTHENTICATED === 'true' });
  if (!host.ok) return { ok: false, errors: [host.error] };
  for (const w of first.rules.warnings) log.warn({ rulesFile: settings.RULES_FILE }, w);
  if (host.warning) log.warn(host.warning);
  const scrubber = opts.scrubber ?? createSecretScrubber();
  scrubber.add(secretValues(first.rules, auth));
  scrubber.add([settings.CONSOLE_PASSWORD, settings.CONSOLE_TOKEN].filter((v): v is string => v !== undefined));

  const metrics = createMetrics({ defaults: true });
  const holder = createRulesHolder<RulesInForce>({ value: { active: activeRules(first.rules), loaded: first.rules, auth }, version: first.rules.version }, now);
  metrics.setRulesVersion(first.rules.version);

  // One serving process per SQLite store, held until close (or until the OS reaps this process).
  // PostgreSQL takes any number of bridges: they share it through its own locks.
  const locked = settings.DATABASE_URL === undefined ? lockDataDir(settings.DATA_DIR, { pid: process.pid, now }) : { ok: true as const, lock: { release: () => undefined } };
  if (!locked.ok) return { ok: false, errors: [locked.error] };
  const { lock } = locked;
  const built = buildDestinations(first.rules, { settings, log, file: settings.RULES_FILE, scrub: scrubber.scrub });
  if (!built.ok) {
    lock.release();
    return { ok: false, errors: built.errors };
  }
  const { destinations } = built;
  const credentials = createCredentialStatus({ checkOnline: (loaded) => checkOnline(loaded, settings), log, now });
  let credentialCheck: Promise<void> = Promise.resolve();
  const checkCredentials = (loaded: LoadedRules): void => {
    if (opts.checkCredentials !== false) credentialCheck = credentials.check(loaded);
  };
  let store: Store;
  try {
    store = await openStore(settings, { now, log });
  } catch (err) {
    lock.release();
    return { ok: false, errors: [errorMessage(err)] };
  }
  await deadLetterOrphans(store.queue, [...destinations.map.keys()], now(), log);
  metrics.setQueueDepthSource(() => store.deliveries.counts());
  // One limiter for sends and CRM lookups: a lookup spends its HubSpot destination's budget.
  const policy = { leaseMs: settings.ACTION_TIMEOUT_MS + LEASE_GRACE_MS, ...opts.policy };
  const limiter = createRateLimiter(resolvePolicy(policy).rateBurst);
  const crmReader = createCrmReader({
    destinations: () => holder.current().value.loaded.destinations,
    limiter,
    now,
    timeoutMs: settings.ACTION_TIMEOUT_MS,
    ...(settings.apiUrls['HUBSPOT_API_URL'] !== undefined && { apiUrl: settings.apiUrls['HUBSPOT_API_URL'] }),
  });
  const dispatcher = createDispatcher({
    queue: store.queue,
    limiter,
    destinations: destinations.map,
    now,
    log,
    // A call never outlives ACTION_TIMEOUT_MS; a job running a grace past that was lost (see dispatch-policy.ts).
    policy,
    onSettled: recordSettled(metrics),
    scrub: scrubber.scrub,
    // Shared by several bridges (PostgreSQL): each destination's lane is sent by the one holding its lease.
    ...(store.shared && { owns: (destination: string) => lanes?.owns(destination) === true }),
  });
  let lanes: LaneLeases | undefined;

  const planner = createPlanner({
    store: store.planner,
    rules: () => holder.current().value.active,
    now,
    log,
    crm: crmReader,
    gatherMs: PLANNER_GATHER_MS,
    onCrmLookup: (destination, outcome) => metrics.crmLookup(destination, outcome),
    onPlanned: (planned) => {
      dispatcher.wake();
      for (const p of planned) {
        for (const m of p.plan?.matches ?? []) {
          if (m.shadow === true) metrics.ruleShadowMatched(m.rule);
          else metrics.ruleMatched(m.rule);
        }
        for (const x of p.plan?.suppressed ?? []) metrics.ruleSuppressed(x.rule, x.reason);
      }
    },
  });
  const digests = createDigestFlusher({
    store: store.digests,
    rules: () => holder.current().value.active,
    now,
    log,
    onFlushed: ({ rule, items }) => {
      dispatcher.wake();
      metrics.digestSent(rule, items);
    },
  });
  const intake = createIntake({
    rulesVersion: () => holder.current().version,
    store,
    now,
    log,
    onAccepted: (event) => {
      planner.wake();
      metrics.eventReceived(event.type, 'accepted');
    },
    onDuplicate: (event) => metrics.eventReceived(event.type, 'duplicate'),
  });

  // Aborted at shutdown: the console's live streams end instead of holding the drain up.
  const consoleClosing = new AbortController();
  const app = createApp({
    intake,
    auth: () => holder.current().value.auth,
    isSecret: (value) => scrubber.scrub(value) !== value,
    log,
    now,
    limits: { maxBodyBytes: settings.MAX_BODY_BYTES, ratePerMinute: settings.RATE_LIMIT_PER_MINUTE },
    ...(settings.TRUST_PROXY !== undefined && { trustProxy: trustProxyOf(settings.TRUST_PROXY) }),
    health: {
      ready: () => {
        const writable = store.writable();
        return { ok: writable, details: { rules: holder.current().version, store: writable ? 'writable' : 'not writable' } };
      },
    },
    extraRoutes: (a) => {
      if (settings.CONSOLE_PASSWORD !== undefined || settings.CONSOLE_TOKEN !== undefined) {
        a.use(CONSOLE_PATH, createConsole({
          ...(settings.CONSOLE_PASSWORD !== undefined && { password: settings.CONSOLE_PASSWORD }),
          ...(settings.CONSOLE_TOKEN !== undefined && { token: settings.CONSOLE_TOKEN }),
          store,
          rules: () => {
            const { active, loaded } = holder.current().value;
            return { rules: active, names: loaded.file.rules.map((r) => r.name), links: linkSettings(loaded.destinations) };
          },
          now,
          log,
          onReplayed: () => dispatcher.wake(),
          closing: consoleClosing.signal,
          status: async () => ({ rules: holder.status(), destinations: destinations.summary(), breakers: dispatcher.stats().breakers, queue: await store.deliveries.counts() }),
        }));
      }
      a.get('/metrics', (req, res) => void metrics.handler(req, res));
      a.get('/status', async (_req, res) => {
        const dests = destinations.summary().map((d) => {
          const creds = credentials.get(d.name);
          return creds === undefined ? d : { ...d, credentials: creds };
        });
        res.json({ rules: holder.status(), queue: await store.deliveries.counts(), destinations: dests, planner: planner.stats(), dispatcher: dispatcher.stats() });
      });
    },
  });

  const server = hardenServer(createServer(withRequestMetrics(app, metrics)), log);
  const drainer = createDrainer(server);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.PORT, host.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await store.close();
    lock.release();
    return { ok: false, errors: [`cannot listen on ${host.host}:${settings.PORT}: ${errorMessage(err)}`] };
  }
  // Nothing goes out (no send, no CRM lookup) until every vendor SDK is loaded: an import blocks the
  // event loop for seconds, which would time out a request already in flight.
  await destinations.ready();
  planner.start();
  // After the planner: a window that closed while the bridge was down is sent once its events are planned.
  digests.start();
  await dispatcher.start();
  // Other bridges' commits wake this one's planner and dispatcher (PostgreSQL LISTEN/NOTIFY).
  const subscription = store.subscribe((what) => (what === 'events' ? planner.wake() : dispatcher.wake()));
  if (store.shared) {
    lanes = createLaneLeases({
      leases: store.leases,
      owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
      destinations: () => [...destinations.map.keys()],
      now,
      setTimer: (fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref();
        return () => clearTimeout(t);
      },
      log,
      onTaken: async (taken) => void (await dispatcher.recoverLanes(taken)),
      busy: (destination) => dispatcher.laneBusy(destination),
    });
    await lanes.start();
  }
  const stopPruning = scheduleHistoryPruning(store, settings.HISTORY_RETENTION_DAYS, now, log);

  let staged: StagedDestinations | undefined;
  const watcher = watchRules<RulesInForce>({
    path: settings.RULES_FILE,
    holder,
    log,
    load: async () => {
      const r = await loadRulesFile(settings.RULES_FILE, env);
      if (!r.ok) return r;
      try {
        const nextAuth = resolveAuth(r.rules.file.auth, env);
        // Where the bridge listens was decided by whether it had authentication: it cannot lose it live.
        if (!isAuthConfigured(nextAuth) && isAuthConfigured(auth) && !listenHost({ host: settings.HOST, authConfigured: false, allowUnauthenticated: settings.ALLOW_UNAUTHENTICATED === 'true' }).ok) {
          return { ok: false, errors: [`${settings.RULES_FILE}: auth: removing authentication while listening on ${host.host} needs a restart (or ALLOW_UNAUTHENTICATED=true)`] };
        }
        // Building the senders is part of validating: a destination that cannot be built refuses the reload.
        const senders = destinations.stage(r.rules);
        if (!senders.ok) return senders;
        await senders.staged.ready();
        staged?.discard();
        staged = senders.staged;
        return { ok: true, value: { active: activeRules(r.rules), loaded: r.rules, auth: nextAuth }, version: r.rules.version, warnings: r.rules.warnings };
      } catch (err) {
        return { ok: false, errors: authErrors(err, settings.RULES_FILE) };
      }
    },
    onReload: (ok) => {
      metrics.rulesReloaded(ok);
      if (!ok) return;
      const { loaded, auth: nextAuth } = holder.current().value;
      scrubber.add(secretValues(loaded, nextAuth));
      metrics.setRulesVersion(loaded.version);
      staged?.apply();
      staged = undefined;
      deadLetterOrphans(store.queue, [...destinations.map.keys()], now(), log).catch((err: unknown) => log.error({ err }, 'dead-lettering the jobs of removed destinations failed; they wait until the next reload or start'));
      checkCredentials(loaded);
    },
    ...(opts.watch === false && { watch: false }),
  });

  const { port } = server.address() as AddressInfo;
  const url = `http://${host.host.includes(':') ? `[${host.host}]` : host.host}:${port}`;
  log.info({ url, rules: settings.RULES_FILE, version: first.rules.version, data: store.location, destinations: destinations.summary() }, 'bridge listening');
  // After listening: events are taken while the vendors answer (each call bounded by ACTION_TIMEOUT_MS).
  checkCredentials(first.rules);

  let closing: Promise<void> | undefined;
  const close = (closeOpts: { timeoutMs?: number } = {}): Promise<void> => {
    closing ??= (async () => {
      const timeoutMs = closeOpts.timeoutMs ?? 10_000;
      log.info({ timeoutMs }, 'stopping: no new requests or actions; finishing those in flight');
      watcher.close();
      stopPruning();
      credentials.close();
      consoleClosing.abort();
      // Both within the one timeout: requests in flight are answered (their events and jobs are
      // stored, and run on the next start), and running actions finish; nothing new starts.
      // (The dispatcher logs the actions it had to abandon; their jobs stay `running` and run again on start.)
      // Events stored but not yet planned are planned on the next start.
      const [drained] = await Promise.all([drainer.drain(timeoutMs), dispatcher.stop({ timeoutMs })]);
      if (!drained) log.warn({ timeoutMs }, 'requests still in flight at the shutdown timeout were cut off');
      // After the dispatcher: its calls are done, so another bridge may take the lanes at once.
      await lanes?.stop();
      await subscription.close();
      await planner.stop();
      await digests.stop();
      crmReader.close();
      await destinations.close();
      await store.close();
      lock.release();
      log.info('bridge stopped');
    })();
    return closing;
  };

  const idle = async (): Promise<void> => {
    await planner.idle();
    await dispatcher.idle();
  };
  const credentialsChecked = () => credentialCheck;
  return { ok: true, bridge: { url, port, server, store, planner, dispatcher, holder, metrics, watcher, idle, credentialsChecked, close } };
}
