// node:http hello world for bench/ingest.ts: POST any path, read the body, JSON.parse it, answer
// 202 with a small JSON body. GET /healthz for readiness.
import { createServer } from 'node:http';

createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let name: unknown;
    try {
      name = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event?: { name?: unknown } }).event?.name ?? null;
    } catch {
      res.writeHead(400).end();
      return;
    }
    res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'accepted', name }));
  });
}).listen(Number(process.argv[2]), '127.0.0.1');
