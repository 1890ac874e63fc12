import { connect } from 'node:net';

export interface SlowPost {
  /** Sends the rest of the body. */
  finish(): void;
  /** The answer, once the server has sent it and closed the connection. */
  readonly response: Promise<{ status: number; body: string }>;
}

/**
 * A client that sends a webhook's headers and half its body, then waits for `finish()`: a request
 * that is reliably in flight (the server has it, and cannot answer yet) when a test starts a shutdown.
 */
export function slowPost(baseUrl: string, path: string, body: string): SlowPost {
  const url = new URL(baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  const bytes = Buffer.from(body, 'utf8');
  const half = Math.floor(bytes.length / 2);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\n\r\n`,
  );
  socket.write(bytes.subarray(0, half));
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
  return { finish: () => void socket.write(bytes.subarray(half)), response };
}
