import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_AUTH, authHeaders, start, visit, type Running } from './helpers.js';

/**
 * Property: whatever body and headers arrive, the app answers below 500 with a JSON body (an
 * `{ error: { code, message } }` for every refusal) and keeps serving. Runs are bounded so the
 * file stays well under 10 s.
 */

const RUNS = 200;
const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x21-\\x7e]{0,${max}}$`));

const validText = JSON.stringify(visit());
const leaf = fc.jsonValue({ maxDepth: 2 });
const body = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
  // A real payload with a random splice: mostly near-valid JSON.
  fc.tuple(fc.nat({ max: validText.length }), fc.nat({ max: 20 }), fc.string({ maxLength: 20 })).map(
    ([at, cut, insert]) => validText.slice(0, at) + insert + validText.slice(at + cut),
  ),
  // Envelope-shaped objects with random leaves, so schema validation is exercised too.
  fc
    .record({
      owner: fc.oneof(leaf, fc.record({ id: leaf, email: leaf })),
      user: fc.oneof(leaf, fc.record({ id: leaf, email: leaf, name: leaf })),
      date: fc.oneof(leaf, fc.date({ noInvalidDate: true }).map((d) => d.toISOString())),
      event: fc.record({ name: fc.oneof(fc.constantFrom('User Visits Server', 'User Joins Server', 'Purchased Store Item'), fc.string()) }),
      server: fc.oneof(leaf, fc.record({ id: leaf, name: leaf })),
    }, { requiredKeys: [] })
    .map((o) => JSON.stringify(o)),
);

const headers = fc.record(
  {
    // Mostly JSON, so requests get past the content-type check to the deeper ones.
    'content-type': fc.oneof(
      { arbitrary: fc.constant('application/json'), weight: 8 },
      fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/json; charset=latin1', 'application/octet-stream'),
      printable(30),
    ),
    'x-encrypted': fc.oneof({ arbitrary: fc.constant('false'), weight: 4 }, fc.constantFrom('true', 'TRUE', '')),
    'x-api-key': printable(40),
    'webhook-id': printable(40),
    'webhook-timestamp': fc.oneof(printable(12), fc.integer({ min: 0, max: 4_000_000_000 }).map(String)),
    'webhook-signature': fc.oneof(printable(60), fc.base64String({ maxLength: 44 }).map((s) => `v1,${s}`)),
    'content-encoding': fc.oneof({ arbitrary: fc.constant('identity'), weight: 6 }, fc.constantFrom('gzip', 'br')),
  },
  { requiredKeys: [] },
);

const request = fc.record({
  method: fc.oneof({ arbitrary: fc.constant('POST'), weight: 10 }, fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE')),
  path: fc.oneof(
    { arbitrary: fc.constant('/webhooks/returning-ai'), weight: 10 },
    fc.constantFrom('/healthz', '/readyz', '/'),
    fc.stringMatching(/^\/[a-z0-9/._~%-]{0,30}$/),
  ),
  body,
  headers,
  // Sign correctly (over the random body) half the time, so the checks after authentication run.
  sign: fc.boolean(),
});

type Req = typeof request extends fc.Arbitrary<infer T> ? T : never;

async function send(app: Running, r: Req) {
  const auth = r.sign ? authHeaders(r.body) : {};
  const hasBody = r.method !== 'GET';
  const res = await fetch(`${app.url}${r.path}`, {
    method: r.method,
    headers: { ...r.headers, ...auth, ...(r.sign && r.headers['content-type'] !== undefined && { 'content-type': r.headers['content-type'] }) },
    ...(hasBody && { body: r.body }),
  });
  return { status: res.status, text: await res.text() };
}

function checkAnswer({ status, text }: { status: number; text: string }) {
  expect(status).toBeLessThan(500);
  const json = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  if (status >= 400) {
    expect(typeof json.error?.code).toBe('string');
    expect(typeof json.error?.message).toBe('string');
  }
  expect(text).not.toMatch(/\bat .+:\d+:\d+/);
}

describe.each([
  ['no authentication', {}],
  ['every scheme on', FULL_AUTH],
] as const)('fuzz with %s', (_name, auth) => {
  let app: Running;
  beforeAll(async () => {
    app = await start({ auth, limits: { ratePerMinute: 0 } });
  });
  afterAll(() => app.close());

  it('never answers 5xx, always JSON, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        checkAnswer(await send(app, r));
      }),
      { numRuns: RUNS },
    );
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
