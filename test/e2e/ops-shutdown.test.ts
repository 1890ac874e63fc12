import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.js';
import type { FakeServer } from '../fakes/fake-server.js';
import { visitBy } from '../observe/sample-events.js';
import { slowPost } from '../observe/slow-client.js';
import { startOpsBridge, type OpsBridge } from '../observe/start-ops-bridge.js';
import { waitUntil } from '../observe/wait-until.js';
import { spawnBridge, type BridgeProcess } from './bridge-process.js';
import { freePort } from './free-port.js';

/**
 * Issue 5, graceful shutdown (what SIGTERM runs): no new connections, every request in flight
 * answered and its event stored, running actions finished within the timeout; past the timeout,
 * the abandoned jobs stay `running` and run again on the next start.
 */

const WEBHOOK_PATH = '/webhooks/returning-ai';

/** Holds every request to `fake` until the returned function is called (a vendor slow to answer). */
function hold(fake: FakeServer): () => void {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  fake.intercept(async () => {
    await opened;
    return undefined;
  });
  return open;
}

/** Reads the bridge's store after it stopped. */
async function withStore<T>(dataDir: string, read: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = openSqliteStore({ dir: dataDir, now: Date.now, log: silentLogger() });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

/** The error code of a fresh TCP connection to `port` on 127.0.0.1, or 'connected'. */
function connectError(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

const idOf = (json: unknown): string => (json as { id: string }).id;

let t: OpsBridge | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('graceful shutdown', () => {
  it('answers every request in flight, refuses new connections, and lets a running action finish', async () => {
    t = await startOpsBridge();
    const b = t;
    const release = hold(b.slack);
    const vip = await b.post(visitBy('janedoe@example.com', '2025-11-01T10:00:00.000Z'));
    expect(vip.status).toBe(202);
    await waitUntil(() => b.slack.calls.length === 1, 'the Slack call to be running');

    let arrived = 0;
    b.bridge.server.on('request', () => (arrived += 1));
    const slow = [0, 1, 2].map((i) => slowPost(b.bridge.url, WEBHOOK_PATH, JSON.stringify(visitBy(`slow${i}@else.example`, '2025-11-01T11:00:00.000Z'))));
    const fast = Array.from({ length: 20 }, (_, i) => b.post(visitBy(`fast${i}@else.example`, '2025-11-01T12:00:00.000Z')));
    await waitUntil(() => arrived === 23, 'every request to reach the server');

    // Shorter than any keep-alive timeout: the drain must close fetch's pooled connections itself.
    const closing = b.bridge.close({ timeoutMs: 3000 });
    // A new connection (not one of fetch's pooled ones) is refused.
    expect(await connectError(b.bridge.port)).toBe('ECONNREFUSED');
    for (const s of slow) s.finish();
    const answers = await Promise.all([...slow.map(async (s) => { const r = await s.response; return { status: r.status, json: JSON.parse(r.body) as unknown }; }), ...fast]);
    expect(answers.map((a) => a.status)).toEqual(Array(23).fill(202));

    release();
    await closing;
    const ids = answers.map((a) => idOf(a.json));
    await withStore(b.dataDir, async (store) => {
      const events = await Promise.all(ids.map((id) => store.deliveries.getEvent(id)));
      expect(ids.filter((_id, i) => events[i] === undefined)).toEqual([]);
      expect(await store.deliveries.getJob(`${idOf(vip.json)}:vip-visit-slack:0`)).toMatchObject({ status: 'done', attempts: 1 });
    });
    expect(b.slack.messages).toHaveLength(1);
    expect(b.log.withMsg('stopped with calls in flight; their jobs run again on the next start')).toEqual([]);
    expect(b.log.withMsg('requests still in flight at the shutdown timeout were cut off')).toEqual([]);
    expect(b.log.lines().at(-1)?.msg).toBe('bridge stopped');
  });

  it('past the timeout, abandoned actions stay running and run again after a restart on the same data dir', async () => {
    t = await startOpsBridge();
    const b = t;
    hold(b.slack);
    hold(b.hubspot);
    const vip = await b.post(visitBy('janedoe@example.com', '2025-11-02T10:00:00.000Z'));
    await waitUntil(() => b.slack.calls.length === 1 && b.hubspot.calls.length === 1, 'both calls to be running');
    await b.bridge.close({ timeoutMs: 100 });

    const slackJob = `${idOf(vip.json)}:vip-visit-slack:0`;
    const hubspotJob = `${idOf(vip.json)}:visit-hubspot-sync:0`;
    await withStore(b.dataDir, async (store) => {
      expect([await store.deliveries.getJob(slackJob), await store.deliveries.getJob(hubspotJob)]).toMatchObject([
        { status: 'running', attempts: 1 },
        { status: 'running', attempts: 1 },
      ]);
    });
    expect(b.log.withMsg('stopped with calls in flight; their jobs run again on the next start').map((l) => l.abandoned)).toEqual([2]);

    b.slack.intercept(undefined);
    b.hubspot.intercept(undefined);
    const again = await startOpsBridge({ dir: b.dir, fakes: b.fakes });
    try {
      await again.slack.waitFor(() => again.slack.messages.length === 1);
      await again.hubspot.waitFor(() => again.hubspot.contacts.size === 1);
      await again.bridge.idle();
      expect(again.log.withMsg('jobs in flight at the last stop will run again').map((l) => l.recovered)).toEqual([2]);
      expect([await again.bridge.store.deliveries.getJob(slackJob), await again.bridge.store.deliveries.getJob(hubspotJob)]).toMatchObject([
        { status: 'done', attempts: 2 },
        { status: 'done', attempts: 2 },
      ]);
      // Slack saw the message twice (chat.postMessage has no idempotency key: at least once, the
      // abandoned call may have posted); HubSpot's upsert by email leaves one contact either way.
      expect(b.slack.calls.filter((c) => c.path === '/api/chat.postMessage')).toHaveLength(2);
      expect(b.hubspot.upsertCalls()).toHaveLength(2);
      expect([...b.hubspot.contacts.keys()]).toEqual(['janedoe@example.com']);
    } finally {
      await again.stop();
    }
  });
});

describe('bridge serve', () => {
  it('exits 0 on SIGTERM after logging "bridge stopped"', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bridge-serve-'));
    let output = '';
    let child: BridgeProcess | undefined;
    try {
      child = await spawnBridge({
        port: await freePort(),
        env: { RULES_FILE: 'rules.yaml', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
        onOutput: (text) => (output += text.replace(/^\[bridge \d+\] /, '')),
      });
      const res = await fetch(`${child.url}${WEBHOOK_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(visitBy('janedoe@example.com', '2025-11-03T10:00:00.000Z')) });
      expect(res.status).toBe(202);
      expect(await child.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      const msgs = output.split('\n').filter((l) => l.startsWith('{')).map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(msgs.filter((m) => ['shutting down', 'bridge stopped'].includes(m))).toEqual(['shutting down', 'bridge stopped']);
      expect(msgs.at(-1)).toBe('bridge stopped');
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- bridge output ---\n${output}`, { cause: err });
    } finally {
      await child?.stop('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
