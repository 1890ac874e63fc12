import { createLogger, type Logger, type ScrubText } from '../../src/log.js';

/** One parsed pino line. */
export type LogLine = Readonly<Record<string, unknown>> & { readonly msg?: string; readonly level: number };

export interface CapturedLog {
  /** A real logger (createLogger, redaction on) writing into this capture. */
  readonly log: Logger;
  /** Every line exactly as pino wrote it. */
  readonly raw: string[];
  /** Every line, parsed. */
  lines(): LogLine[];
  /** Lines with this message. */
  withMsg(msg: string): LogLine[];
}

/** Captures what the bridge logs, through the same createLogger `bridge serve` uses. */
export function captureLog(level = 'trace', scrub?: ScrubText): CapturedLog {
  const raw: string[] = [];
  const log = createLogger({ level, dest: { write: (s: string) => void raw.push(s) }, ...(scrub && { scrub }) });
  const lines = (): LogLine[] => raw.map((s) => JSON.parse(s) as LogLine);
  return { log, raw, lines, withMsg: (msg) => lines().filter((l) => l.msg === msg) };
}
