// What the state service needs from storage: the current state, a write conditional on the
// version it was computed from, and the audit log. aws/state-repository.ts keeps them in DynamoDB;
// unit tests keep them in memory.
import type { Page } from './paging.ts';
import type { SharedState } from './state-update.ts';

export interface AuditEntry {
  version: number;
  counter: number;
  message: string;
  updated_at: string;
  request_id: string;
}

export type AuditPage = Page<AuditEntry>;

/** Another writer got there first: read again and retry. */
export class VersionConflictError extends Error {
  constructor() {
    super('the state changed while it was being updated');
    this.name = 'VersionConflictError';
  }
}

export interface StateStore {
  /** The current state (consistent), or INITIAL_STATE before the first update. */
  read(): Promise<SharedState>;
  /**
   * Writes `next` (whose version is previous + 1) and its audit entry, or neither; throws
   * VersionConflictError when the stored version is no longer `next.version - 1`.
   */
  write(next: SharedState, requestId: string): Promise<void>;
  /** Audit entries, newest first, after `cursor`; InvalidCursorError if it is not one of its own. */
  log(limit: number, cursor: string | undefined): Promise<AuditPage>;
}
