import { WebAPIRequestError } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../src/actions/action.js';
import { classifySlackError } from '../../../src/actions/slack/classify-slack-error.js';

/** What `fetch` throws for a socket error: TypeError('fetch failed') with the error as `cause`. */
const fetchFailed = (cause: unknown) => new WebAPIRequestError(new TypeError('fetch failed', { cause }));
const sockErr = (code: string) => Object.assign(new Error(code), { code });

// Cases the fake server cannot produce; the rest are driven through it in slack-sender.test.ts.
describe('classifySlackError', () => {
  it.each<[string, unknown, Outcome]>([
    ['DNS failure', fetchFailed(sockErr('ENOTFOUND')), { status: 'retry', reason: 'slack connection failed before sending: ENOTFOUND' }],
    ['DNS timeout', fetchFailed(sockErr('EAI_AGAIN')), { status: 'retry', reason: 'slack connection failed before sending: EAI_AGAIN' }],
    ['connect timeout', fetchFailed(sockErr('UND_ERR_CONNECT_TIMEOUT')), { status: 'retry', reason: 'slack connection failed before sending: UND_ERR_CONNECT_TIMEOUT' }],
    ['every address refused', fetchFailed(new AggregateError([sockErr('ECONNREFUSED'), sockErr('ECONNREFUSED')])), { status: 'retry', reason: 'slack connection failed before sending: ECONNREFUSED' }],
    ['reset mid-request', fetchFailed(sockErr('ECONNRESET')), { status: 'ambiguous', reason: 'slack request failed, may have been sent: ECONNRESET' }],
    ['fetch failure without a cause', fetchFailed(undefined), { status: 'ambiguous', reason: 'slack request failed, may have been sent: unknown' }],
    ['aborted', new WebAPIRequestError(new DOMException('aborted', 'AbortError')), { status: 'ambiguous', reason: 'slack request timed out after sending' }],
    ['a platform error code that is not an identifier', { code: 'slack_webapi_platform_error', data: { ok: false, error: 'Bearer xoxb-leak' } }, { status: 'fail', reason: 'slack error: unknown_error' }],
    ['an unexpected error', new RangeError('boom'), { status: 'ambiguous', reason: 'slack unexpected error: RangeError' }],
    ['a non-error', 'weird', { status: 'ambiguous', reason: 'slack unexpected error: string' }],
  ])('%s', (_name, error, expected) => {
    expect(classifySlackError(error)).toEqual(expected);
  });
});
