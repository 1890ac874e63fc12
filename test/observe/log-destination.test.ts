import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LOG_FLUSH_EVERY_MS, MAX_BUFFERED_BYTES } from '../../src/log-destination.js';

const CHILD = ['--import', 'tsx', 'test/observe/buffered-log-child.ts'];

function startChild(mode: 'quiet' | 'stalled', extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, CHILD, { env: { ...process.env, LOG_CHILD: mode, ...extra }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  onTestFinished(() => void child.kill('SIGKILL'));
  const stdout = child.stdout;
  if (stdout === null) throw new Error('the child has no stdout pipe');
  let out = '';
  stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  return { child, stdout, output: () => out };
}

const linesOf = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { level: number; msg: string; droppedLines?: number });

describe('bufferedLogDestination', () => {
  it(`writes a quiet process's line within ${LOG_FLUSH_EVERY_MS} ms or so, without waiting for 4 KB or for exit`, async () => {
    const { child, output } = startChild('quiet');
    const deadline = Date.now() + 20_000;
    while (!output().includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(child.exitCode).toBe(null);
    expect(linesOf(output()).map((l) => l.msg)).toEqual(['one quiet line']);
  }, 30_000);

  it('keeps the event loop free while stdout is not read, drops past the limit, and says how many once output moves', async () => {
    // ~4 KB a line: twice the limit's worth, written while the parent reads nothing.
    const total = Math.ceil((2 * MAX_BUFFERED_BYTES) / 4096);
    const { child, stdout, output } = startChild('stalled', { LOG_LINES: String(total) });
    stdout.pause();
    // Synchronous writes would block on the full pipe until the parent read, which waits for this.
    const wrote = await Promise.race([once(child, 'message').then(() => 'wrote'), new Promise((r) => setTimeout(() => r('blocked: the child is still writing to a stdout nobody reads'), 20_000))]);
    expect(wrote).toBe('wrote');
    stdout.resume();
    child.send('finish');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    const lines = linesOf(output());
    const kept = lines.filter((l) => l.msg === 'filler').length;
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    const dropped = warnings[0]?.droppedLines ?? 0;
    expect(dropped).toBeGreaterThan(0);
    expect(warnings[0]?.msg).toBe(`${dropped} log lines were dropped: stdout was not being read`);
    expect(kept + dropped).toBe(total);
    expect(lines.at(-1)?.msg).toBe('last line');
  }, 60_000);
});
