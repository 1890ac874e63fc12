/**
 * Slack allows about one chat.postMessage per second per channel, and one message per second per
 * incoming webhook: https://docs.slack.dev/apis/web-api/rate-limits
 * (https://docs.slack.dev/reference/methods/chat.postMessage#rate_limiting). The bridge sends one
 * at a time per channel (the next waits for the previous answer, rate-limiter.ts) and spaces them
 * 1,020 ms: sends spaced exactly 1,000 ms reached a strict limiter 991-999 ms apart now and then
 * and were refused. 100 alerts into one channel drain in about 102 s plus the round trips.
 */
export const SLACK_MESSAGE_INTERVAL_MS = 1020;
