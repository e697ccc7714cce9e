// Opaque cursors over DynamoDB keys: the key to continue after, as base64url-encoded JSON. A
// cursor is checked against the fields of the table's key before it can become an
// ExclusiveStartKey, so a forged one is refused rather than sent to DynamoDB.
import { InvalidCursorError } from '../domain/paging.ts';
import { CURSOR_PATTERN, MAX_CURSOR_LENGTH } from '../limits.ts';

export type StartKey = Record<string, string>;

export function encodeKeyCursor(key: StartKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key in a cursor made by encodeKeyCursor whose fields are exactly `fields`, all strings. */
export function decodeKeyCursor(cursor: string, fields: readonly string[]): StartKey {
  if (cursor.length > MAX_CURSOR_LENGTH || !CURSOR_PATTERN.test(cursor)) {
    throw new InvalidCursorError();
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidCursorError();
  }
  const entries = Object.entries(value);
  const sameFields =
    entries.length === fields.length &&
    entries.every(([name, field]) => fields.includes(name) && typeof field === 'string');
  if (!sameFields) throw new InvalidCursorError();
  return Object.fromEntries(entries as [string, string][]);
}

/** A cursor to the page after `key`, or none when the listing is complete. */
export const nextCursor = (key: StartKey | undefined): string | undefined =>
  key ? encodeKeyCursor(key) : undefined;
