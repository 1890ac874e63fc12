import * as z from 'zod';

/** `${VAR}` anywhere in a string. */
export const ENV_REF_GLOBAL = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** Name of the variable when `value` is exactly one `${VAR}` reference. */
export function envRefName(value: string): string | undefined {
  return WHOLE_REF.exec(value)?.[1];
}

const credentials = new WeakSet<z.ZodType>();

/** A credential: must be exactly one `${ENV_VAR}` reference, never a literal secret. */
export const credential = (what: string) => {
  const schema = z
    .string()
    .regex(WHOLE_REF, { message: `${what} must be an \${ENV_VAR} reference, not a literal (secrets live in the environment)` })
    .describe(`${what}, as an \${ENV_VAR} reference`);
  credentials.add(schema);
  return schema;
};

/** Whether `schema` is a `credential()` field itself (not a wrapper around one, such as `.optional()`). */
export const isCredential = (schema: z.ZodType): boolean => credentials.has(schema);
