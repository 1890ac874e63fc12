import { parseArgs } from 'node:util';
import { loadRulesFile } from '../config/load-rules.js';
import { resolveAuth } from '../receive/auth/resolve-auth.js';
import { WEBHOOK_PATH } from '../receive/create-app.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './cli-io.js';
import { SAMPLE_KINDS, samplePayload, type SampleKind } from './samples.js';
import { signRequest } from './sign-request.js';
import { errorMessage } from '../error-message.js';

export const SEND_SAMPLE_USAGE = `usage: bridge send-sample <${SAMPLE_KINDS.join('|')}> [--url URL] [--email ADDRESS] [--rules FILE]\n  Posts a realistic sample event, authenticated as rules.yaml's auth: section says, to a running bridge\n  (default http://127.0.0.1:$PORT${WEBHOOK_PATH}). The event's date is now, so each send is a new event.`;

/** `bridge send-sample`: posts a sample event to a running bridge and prints its answer. */
export async function runSendSample(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { url: { type: 'string' }, email: { type: 'string' }, rules: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const kind = positionals[0];
  if (positionals.length !== 1 || !(SAMPLE_KINDS as readonly string[]).includes(kind ?? '')) throw new UsageError(`name one sample: ${SAMPLE_KINDS.join(', ')}`);
  const url = values.url ?? `http://127.0.0.1:${io.env.PORT ?? '3000'}${WEBHOOK_PATH}`;

  const loaded = await loadRulesFile(values.rules ?? io.env.RULES_FILE ?? './rules.yaml', io.env);
  if (!loaded.ok) {
    for (const e of loaded.errors) io.stderr(`${e}\n`);
    return 1;
  }
  let auth;
  try {
    auth = resolveAuth(loaded.rules.file.auth, io.env);
  } catch (err) {
    io.stderr(`${errorMessage(err)}\n`);
    return 1;
  }
  const now = Date.now();
  const payload = samplePayload(kind as SampleKind, { date: new Date(now).toISOString(), ...(values.email !== undefined && { email: values.email }) });
  const { body, headers } = signRequest(JSON.stringify(payload), auth, now);
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    io.stderr(`POST ${url} failed: ${errorMessage(err instanceof Error && err.cause instanceof Error ? err.cause : err)}\n(is the bridge running? \`npm start\`)\n`);
    return 1;
  }
  const text = await res.text();
  io.stdout(`POST ${url} → ${res.status}\n${text}\n`);
  return res.ok ? 0 : 1;
}
