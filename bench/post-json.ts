import http from 'node:http';

/** A keep-alive HTTP client for load scripts: cheaper per request than fetch, so the sender is not the bottleneck. */
export function createPoster(url: string, maxSockets: number): { post(body: string, headers: Record<string, string>): Promise<number>; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const target = new URL(url);
  return {
    post(body, headers) {
      return new Promise<number>((resolve, reject) => {
        const req = http.request(
          { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
