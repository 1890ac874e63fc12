/** Who to forget: their email (any case), their Returning.AI user id, or both. */
export interface Person {
  readonly email?: string;
  readonly userId?: string;
}

/** What forgetting a person removed. */
export interface ForgetResult {
  /** The emails and user ids found on their events (and given), whose memory was removed. */
  readonly identities: readonly string[];
  readonly events: number;
  readonly jobs: number;
  readonly decisions: number;
  readonly state: number;
  readonly dedupe: number;
  /** Their matches still buffered in digest windows (never sent). */
  readonly digestItems: number;
}

/** Deletes everything stored about one person, in one transaction. */
export type ForgetPerson = (person: Person) => Promise<ForgetResult>;
