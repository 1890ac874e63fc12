/** The message of a thrown value: an Error's `message`, anything else (a thrown string) as text. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
