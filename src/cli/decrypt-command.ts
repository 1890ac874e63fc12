import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { AuthSchema } from '../config/auth-schema.js';
import { errorMessage } from '../error-message.js';
import type { EncryptionAuth } from '../receive/auth/auth-config.js';
import type { Headers } from '../receive/auth/headers.js';
import { AuthConfigError, resolveAuth } from '../receive/auth/resolve-auth.js';
import type { CliIo } from './cli-io.js';
import { describeDecryption, layoutSettings } from './describe-decryption.js';

export interface DecryptIo extends CliIo {
  readonly readFile: (path: string) => Promise<Buffer>;
}

export const DECRYPT_USAGE = 'usage: bridge decrypt --file <captured body> [--headers <file>] [--rules <rules.yaml>] [--print]';

interface Args {
  file: string;
  headers?: string;
  rules?: string;
  print: boolean;
}

function parseArgs(args: readonly string[]): Args | string {
  const out: Partial<Args> = { print: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--print') out.print = true;
    else if (a === '--file' || a === '--headers' || a === '--rules') {
      const v = args[++i];
      if (v === undefined) return `${a} needs a value`;
      out[a.slice(2) as 'file' | 'headers' | 'rules'] = v;
    } else return `unknown argument ${a}`;
  }
  return out.file === undefined ? '--file is required' : (out as Args);
}

/** Headers file: a JSON object, or `Name: value` lines as copied from a request log. */
export function parseHeaderFile(text: string): Headers {
  const trimmed = text.trim();
  const out: Record<string, string> = {};
  if (trimmed.startsWith('{')) {
    const obj = JSON.parse(trimmed) as Record<string, unknown>;
    for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') out[k.toLowerCase()] = v;
    return out;
  }
  for (const line of trimmed.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

function parseJson(bytes: Buffer): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) };
  } catch {
    return undefined;
  }
}

const isJson = (bytes: Buffer): boolean => parseJson(bytes) !== undefined;

function summary(plaintext: Buffer): string {
  const json = parseJson(plaintext);
  if (!json) return `${plaintext.length} bytes, NOT valid UTF-8 JSON (the layout or key is probably wrong)`;
  const name = (json.value as { event?: { name?: unknown } } | null)?.event?.name;
  return `${plaintext.length} bytes of JSON${typeof name === 'string' ? `, event.name ${JSON.stringify(name)}` : ''}`;
}

/**
 * `bridge decrypt`: says whether a captured delivery decrypts under rules.yaml's `auth.encryption`
 * and which layouts would have worked. Exit 0 when the configured layout decrypts it to JSON, 1 when
 * not, 2 on a usage or configuration error.
 */
export async function runDecrypt(args: readonly string[], io: DecryptIo): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`${parsed}\n${DECRYPT_USAGE}\n`);
    return 2;
  }
  const rulesFile = parsed.rules ?? io.env.RULES_FILE ?? './rules.yaml';
  let encryption: EncryptionAuth | undefined;
  let body: Buffer;
  let headers: Headers = {};
  try {
    const doc = parseYaml((await io.readFile(rulesFile)).toString('utf8')) as { auth?: unknown } | null;
    const auth = AuthSchema.safeParse(doc?.auth ?? {});
    if (!auth.success) throw new Error(`${rulesFile}: auth: ${auth.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    if (!auth.data.encryption) throw new Error(`${rulesFile} has no auth.encryption section`);
    encryption = resolveAuth({ encryption: auth.data.encryption }, io.env).encryption;
    body = await io.readFile(parsed.file);
    if (parsed.headers !== undefined) headers = parseHeaderFile((await io.readFile(parsed.headers)).toString('utf8'));
  } catch (err) {
    const message = err instanceof AuthConfigError ? `${rulesFile}: ${err.message}` : errorMessage(err);
    io.stderr(`${message}\n`);
    return 2;
  }
  if (!encryption) return 2;

  const report = describeDecryption(body, headers, encryption);
  const plaintext = report.configured.ok ? report.configured.plaintext : undefined;
  const lines = [
    `body: ${body.length} bytes${report.form ? ` (${report.form})` : ''}; x-encrypted: true header ${report.encryptedHeader ? 'present' : 'ABSENT'}${parsed.headers === undefined ? ' (no --headers given)' : ''}`,
    `configured layout (${layoutSettings(encryption)}): ${report.configured.ok ? `decrypts: ${summary(report.configured.plaintext)}` : `does not decrypt: ${report.configured.reason}`}`,
    report.working.length === 0
      ? 'no layout decrypts this body to JSON with this key: check the key, or that the capture is the raw body'
      : 'layouts that decrypt this body to JSON:',
    ...report.working.map((layout) => `  - ${layoutSettings(layout)}`),
  ];
  io.stdout(`${lines.join('\n')}\n`);
  if (parsed.print && plaintext) io.stdout(`${plaintext.toString('utf8')}\n`);
  return plaintext && isJson(plaintext) ? 0 : 1;
}

/** `bridge decrypt` reading real files. */
export function runDecryptCommand(argv: readonly string[], io: CliIo): Promise<number> {
  return runDecrypt(argv, { ...io, readFile: (p) => readFile(p) });
}
