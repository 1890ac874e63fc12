// Express 5 hello world for bench/ingest.ts: POST any path with a JSON body (parsed by
// express.json()), answer 202 with a small JSON body. GET /healthz for readiness.
import express from 'express';

const app = express();
app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
app.post('/{*path}', express.json({ limit: '256kb' }), (req, res) => {
  const body = req.body as { event?: { name?: unknown } } | undefined;
  res.status(202).json({ status: 'accepted', name: body?.event?.name ?? null });
});
app.listen(Number(process.argv[2]), '127.0.0.1');
