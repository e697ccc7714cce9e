// Page size and opaque cursors for list endpoints. A cursor is the DynamoDB key to start after,
// base64url-encoded JSON; clients must treat it as opaque.
import { CURSOR_PATTERN, MAX_CURSOR_LENGTH, MAX_PAGE_SIZE } from '../limits.ts';
import { badRequest } from './errors.ts';

export function parseLimit(raw: unknown, fallback: number | undefined): number | undefined {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^\d{1,3}$/.test(raw)) {
    throw badRequest(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  const limit = Number(raw);
  if (limit < 1 || limit > MAX_PAGE_SIZE) {
    throw badRequest(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

export type CursorKey = Record<string, string>;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor whose fields are exactly `fields`, all strings. */
export function decodeCursor(raw: unknown, fields: readonly string[]): CursorKey | undefined {
  if (raw === undefined) return undefined;
  const invalid = badRequest('cursor is not valid');
  if (typeof raw !== 'string' || raw.length > MAX_CURSOR_LENGTH || !CURSOR_PATTERN.test(raw)) {
    throw invalid;
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid;
  const entries = Object.entries(value);
  const sameFields =
    entries.length === fields.length &&
    entries.every(([name, field]) => fields.includes(name) && typeof field === 'string');
  if (!sameFields) throw invalid;
  return Object.fromEntries(entries as [string, string][]);
}
