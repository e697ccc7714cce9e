// The query parameters of list endpoints: the page size, and the cursor, which is passed on as
// the opaque string it is (the store that made it decodes it, see domain/paging.ts).
import { MAX_PAGE_SIZE } from '../limits.ts';
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

export const invalidCursor = () => badRequest('cursor is not valid');

/** The cursor parameter, given once; a repeated one is refused like any invalid cursor. */
export function cursorParam(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw invalidCursor();
  return raw;
}
