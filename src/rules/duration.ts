// Durations are a shared leaf (src/duration.ts): actions/ (Slack threads) read them too.
export { DURATION, parseDuration } from '../duration.js';
