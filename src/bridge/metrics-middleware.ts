import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Metrics } from '../observe/metrics.js';
import { WEBHOOK_PATH } from '../receive/create-app.js';

/**
 * Wraps the HTTP handler: ack latency for every webhook request, and the refusals the intake never
 * sees (accepted and duplicate events are counted by the intake, which knows their type).
 */
export function withRequestMetrics(handler: RequestListener, metrics: Metrics): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '').split('?')[0] === WEBHOOK_PATH) {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        metrics.observeAck(Number(process.hrtime.bigint() - started) / 1e9);
        const s = res.statusCode;
        if (s >= 300) metrics.eventReceived('unknown', s === 401 ? 'unauthorized' : s >= 500 ? 'error' : 'rejected');
      });
    }
    handler(req, res);
  };
}
