// A user as the service keeps it, and what the service needs from wherever users are kept:
// records that make the email unique, and a listing in pages. aws/users-repository.ts keeps them
// in DynamoDB; unit tests keep them in memory.
import type { Page } from './paging.ts';

/** The stored user: the API contract's string attributes plus what the service needs. */
export interface UserItem {
  email: string;
  name: string;
  avatar_url: string;
  avatar_key: string;
  avatar_content_type: string;
  created_at: string;
}

/** The email belongs to a user already: nothing was written. */
export class EmailTakenError extends Error {
  constructor(email: string) {
    super(`email ${email} is already registered`);
    this.name = 'EmailTakenError';
  }
}

export interface UserRecords {
  exists(email: string): Promise<boolean>;
  /** Writes the user unless its email exists (EmailTakenError then), even under races. */
  create(user: UserItem): Promise<void>;
}

export interface UserListing {
  /** One page of at most `limit` users after `cursor`; InvalidCursorError if it is not one. */
  pageAfter(limit: number, cursor: string | undefined): Promise<Page<UserItem>>;
  /** Whether pageAfter would take `cursor`, without reading any user. */
  isValidCursor(cursor: string): boolean;
  /** Every user, `pageSize` at a time, each page read when the previous one was taken. */
  pages(pageSize: number, signal?: AbortSignal): AsyncGenerator<UserItem[]>;
}
