import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'yaml';
import { spawnBridge } from './e2e/bridge-process.js';
import { freePort } from './e2e/free-port.js';

/**
 * The Dockerfile, without a container engine (there is none on the CI machine): what it copies
 * exists, the image runs as a user that is not root with the store on a volume, and its
 * HEALTHCHECK command, run as the image runs it, tells a ready bridge from one that is not there.
 */

const DOCKERFILE = readFileSync('Dockerfile', 'utf8');
const lines = DOCKERFILE.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim());
const runStage = lines.slice(lines.findLastIndex((l) => l.startsWith('FROM ')));
const run = promisify(execFile);

/** The HEALTHCHECK's exec form: ["node", "-e", "…"]. */
function healthcheck(): string[] {
  const line = runStage.find((l) => l.startsWith('HEALTHCHECK'));
  const exec = line?.slice(line.indexOf('CMD ') + 4);
  if (exec === undefined) throw new Error('no HEALTHCHECK CMD');
  return JSON.parse(exec) as string[];
}

describe('Dockerfile', () => {
  it('copies only files that exist in the repository (build context)', () => {
    const sources = lines
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(sources.length).toBeGreaterThan(5);
    expect(sources.filter((s) => !existsSync(s))).toEqual([]);
  });

  it('runs the bundle as the node user, with the store on the /data volume', () => {
    expect(runStage).toContain('USER node');
    expect(runStage).toContain('VOLUME ["/data"]');
    expect(runStage.find((l) => l.startsWith('ENV '))).toContain('DATA_DIR=/data');
    expect(runStage.filter((l) => l !== '').at(-1)).toBe('CMD ["node", "bin/bridge.js", "serve"]');
  });

  it('HEALTHCHECK: exit 0 from a ready bridge, 1 where nothing listens', async () => {
    const [cmd, ...args] = healthcheck();
    expect(cmd).toBe('node');
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'bridge-docker-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // A spawned bridge starts through tsx: 45 s, as the other spawned-bridge tests, on two loaded cores.
    const bridge = await spawnBridge({ port, env: { DATA_DIR: dir, LOG_LEVEL: 'warn' }, readyTimeoutMs: 45_000 });
    onTestFinished(() => bridge.stop().then(() => undefined));
    await expect(run(process.execPath, args, { env: { PORT: String(port) } })).resolves.toMatchObject({ stderr: '' });
    await bridge.stop();
    await expect(run(process.execPath, args, { env: { PORT: String(port) } })).rejects.toMatchObject({ code: 1 });
  }, 90_000);
});

describe('compose.postgres.yaml', () => {
  interface Service {
    image?: string;
    build?: string;
    deploy?: { replicas?: number };
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    volumes?: string[];
    healthcheck?: { test: string[] };
  }
  const compose = parse(readFileSync('compose.postgres.yaml', 'utf8')) as { services: Record<string, Service> };
  const { bridge, postgres } = compose.services;

  it('runs two bridge replicas from this Dockerfile on the PostgreSQL service, once it is healthy', () => {
    expect(bridge?.build).toBe('.');
    expect(bridge?.deploy?.replicas).toBe(2);
    expect(bridge?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/bridge:.*@postgres:5432\/bridge$/);
    expect(bridge?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(postgres?.image).toBe('postgres:15');
    expect(postgres?.healthcheck?.test.slice(0, 2)).toEqual(['CMD', 'pg_isready']);
  });

  it('keeps the password out of the file and no SQLite volume on the replicas', () => {
    expect(postgres?.environment?.POSTGRES_PASSWORD).toBe('${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}');
    expect(bridge?.environment?.DATABASE_URL).toContain(':${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}@');
    expect(bridge?.volumes).toEqual(['./rules.yaml:/app/rules.yaml:ro']);
  });
});
