// GET /users without ?limit: every user, streamed as one JSON array (http/json-array-stream.ts).
// The table is scanned a page at a time and each page is presented (avatar URLs signed) in
// batches while the next one is read, so a listing holds about two pages whatever the table's
// size. A client that goes away aborts the scan in flight. A scan that fails after the first
// page ends the response truncated, and is counted in users_listing_aborted_total.
import { Readable } from 'node:stream';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import type { UserItem, UsersRepository } from '../aws/users-repository.ts';
import { clientClosedRequest, dependencyFailed } from '../http/errors.ts';
import { openJsonArray } from '../http/json-array-stream.ts';
import type { Metrics } from '../http/metrics.ts';

/** Users per scan call. */
export const LISTING_PAGE_SIZE = 1000;
/** Users presented (avatar URLs signed) at once, and written as one chunk. */
export const LISTING_BATCH_SIZE = 100;

export interface UsersListingOptions<U> {
  users: UsersRepository;
  present: (user: UserItem) => Promise<U>;
  logger: Logger;
  metrics: Metrics;
}

export function usersListing<U>(options: UsersListingOptions<U>): (ctx: Context) => Promise<void> {
  const { users, present, logger } = options;
  const aborted = new Counter({
    name: 'users_listing_aborted_total',
    help:
      'GET /users listings that ended before their last user was written: dependency_failed (a ' +
      'scan failed mid-stream; the client got a truncated body) or client_closed',
    labelNames: ['cause'] as const,
    registers: [options.metrics.registry],
  });

  return async function streamUsers(ctx: Context): Promise<void> {
    const scan = new AbortController();
    let failed = false;
    const requestId = ctx.state.requestId as unknown;
    async function* pages(): AsyncGenerator<UserItem[]> {
      try {
        yield* users.pages(LISTING_PAGE_SIZE, scan.signal);
      } catch (err) {
        if (scan.signal.aborted) throw clientClosedRequest();
        failed = true;
        logger.warn({ err, requestId }, 'DynamoDB scan failed while listing users');
        throw dependencyFailed('DynamoDB');
      }
    }
    // The response ends: written in full, or cut short by the client or by a failed scan.
    ctx.res.once('close', () => {
      scan.abort();
      if (ctx.res.writableFinished) return;
      aborted.inc({ cause: failed ? 'dependency_failed' : 'client_closed' });
    });
    const chunks = await openJsonArray(pages(), present, LISTING_BATCH_SIZE);
    ctx.type = 'application/json';
    ctx.body = Readable.from(chunks);
  };
}
