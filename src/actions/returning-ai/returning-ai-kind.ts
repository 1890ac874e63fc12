import type { ActionKind } from '../action.js';
import { envRefName } from '../../env-ref.js';
import { ReturningAiDestination, ReturningAiParams } from './returning-ai-config.js';
import { buildReturningAiRequest, type ReturningAiRequest } from './returning-ai-request.js';
import { escapeReturningAi } from './escape-returning-ai.js';
import { createReturningAiSender } from './create-returning-ai-sender.js';

/** Returning.AI: a message into a community channel through the Integration API. */
export const returningAiKind: ActionKind<ReturningAiDestination, ReturningAiParams, ReturningAiRequest> = {
  kind: 'returning-ai',
  apiUrlEnv: 'RETURNING_AI_API_URL',
  destinationSchema: ReturningAiDestination,
  actionSchema: ReturningAiParams,
  credentialFields: ['token'],
  credentialSets: [['token']],
  escape: escapeReturningAi,
  buildRequest: buildReturningAiRequest,
  // No documented limit (https://dev.returning.ai/api-15023884): `requests_per_minute` per token,
  // shared by destinations that use the same token.
  rateLimit: (dest) => ({ key: `returning-ai:${envRefName(dest.token) ?? dest.token}`, limit: dest.requests_per_minute, intervalMs: 60_000 }),
  createSender: (dest, deps) => createReturningAiSender(dest, deps),
};
