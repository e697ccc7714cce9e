// A page of a listing and the cursor to the next one. Cursors are opaque: only the store that
// made one can read it, every layer above passes it on as a string, so no client, route or use
// case ever depends on how a store keys its items.

export interface Page<T> {
  items: T[];
  /** Where the next page starts, when there may be more. */
  nextCursor: string | undefined;
}

/** A cursor this store did not make (tampered with, or from another listing). */
export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not valid');
    this.name = 'InvalidCursorError';
  }
}
