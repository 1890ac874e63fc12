/** Our own deadline fired, or the job was cancelled. `sent`: the request may have reached HubSpot. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
  readonly sent: boolean;
  constructor(message: string, sent: boolean) {
    super(message);
    this.sent = sent;
  }
}

/**
 * `@hubspot/api-client` 13 has no timeout and takes no AbortSignal, so calls are raced against a
 * timer and the caller's signal. The losing request is left to the socket timeout of the agent
 * (timeout-agent.ts), which destroys the hung socket.
 */
export function withDeadline<T>(work: () => Promise<T>, timeoutMs: number, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DeadlineError('cancelled before sending', false));
  return new Promise<T>((resolve, reject) => {
    const stop = (message: string) => {
      cleanup();
      reject(new DeadlineError(message, true));
    };
    const onAbort = () => stop('cancelled');
    const timer = setTimeout(() => stop(`no answer within ${timeoutMs} ms`), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work().then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}
