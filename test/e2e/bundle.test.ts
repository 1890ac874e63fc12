import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { signStandardWebhook } from '../../src/receive/auth/verify-standard-webhook.js';
import { runCli } from '../cli/run-cli.js';
import { visitBy } from '../observe/sample-events.js';
import { tempDir } from '../store/temp-store.js';
import { REPO_ROOT, spawnBridge } from './bridge-process.js';
import { freePort } from './free-port.js';
import { postJson } from './http-helpers.js';

/**
 * What `npm start` and `npx bridge` run is the esbuild bundle (dist/bundle/, built by `npm install`
 * and `npm run build`), not the sources the other end-to-end tests run through tsx: it must serve,
 * verify a Standard Webhooks signature and store the event like they do.
 */
const SECRET = `whsec_${Buffer.from('bundle-test-secret-0123456789ab').toString('base64')}`;
const WEBHOOK = '/webhooks/returning-ai';

describe('the bundled bridge (bin/bridge.js)', () => {
  it('serves, refuses an unsigned event and stores a signed one', async () => {
    if (!existsSync(join(REPO_ROOT, 'dist/bundle/bridge.js'))) throw new Error('dist/bundle/ is missing: run `npm run build` first');
    const { dir, cleanup } = tempDir();
    onTestFinished(cleanup);
    const rulesFile = join(dir, 'rules.yaml');
    const bundled = readFileSync(join(REPO_ROOT, 'rules.yaml'), 'utf8');
    writeFileSync(rulesFile, bundled.replace('\ndestinations:', '\nauth:\n  standard_webhooks:\n    secrets:\n      - ${WEBHOOK_SECRET}\n\ndestinations:'));
    let output = '';
    const bridge = await spawnBridge({
      entry: 'bundle',
      port: await freePort(),
      env: { RULES_FILE: rulesFile, DATA_DIR: join(dir, 'data'), WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'warn', CONSOLE_PASSWORD: 'bundle-console-password-0123' },
      onOutput: (text) => (output += text),
      readyTimeoutMs: 30_000,
    });
    onTestFinished(async () => void (await bridge.stop('SIGKILL')));
    try {
      const body = JSON.stringify(visitBy('janedoe@example.com', '2026-01-05T10:00:00.000Z'));
      const unsigned = await postJson(`${bridge.url}${WEBHOOK}`, body);
      expect(unsigned.status).toBe(401);

      const ts = Math.floor(Date.now() / 1000);
      const signed = await postJson(`${bridge.url}${WEBHOOK}`, body, {
        'webhook-id': 'msg_bundle_1',
        'webhook-timestamp': String(ts),
        'webhook-signature': signStandardWebhook(SECRET, 'msg_bundle_1', ts, body),
      });
      expect(signed).toEqual({ status: 202, json: expect.objectContaining({ id: 'msg_bundle_1' }) });

      // The console's form and JSON parsers and content types go through what the bundle loads on
      // first use (iconv-lite, mime-types: scripts/bundle.mjs).
      const page = await fetch(`${bridge.url}/console/login`);
      expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
      const form = await fetch(`${bridge.url}/console/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: 'password=wrong' });
      expect(form.status).toBe(403);

      expect(await bridge.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      const listed = await runCli(['deliveries', '--json', '--data', join(dir, 'data')]);
      expect(listed.code).toBe(0);
      expect((JSON.parse(listed.stdout) as { id: string }[]).map((e) => e.id)).toEqual(['msg_bundle_1']);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- bridge output ---\n${output}`, { cause: err });
    }
  }, 60_000);
});
