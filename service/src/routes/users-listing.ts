// GET /users without ?limit: every user, streamed as one JSON array (http/json-array-stream.ts).
// The table is scanned a page at a time and each page is presented (avatar URLs signed) in
// batches while the next one is read, so a listing holds about two pages whatever the table's
// size. A client that goes away aborts the scan in flight. A scan that fails after the first
// page ends the response truncated, and is counted in users_listing_aborted_total. At most
// LISTING_CONCURRENCY listings run at once in the process; one more waits up to
// LISTING_WAIT_MS for a slot, then is refused with 503 listing_capacity and Retry-After.
import { Readable } from 'node:stream';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { UserItem, UsersRepository } from '../aws/users-repository.ts';
import { ConcurrencyLimit, ConcurrencyLimitFullError } from '../http/concurrency-limit.ts';
import { clientClosedRequest, dependencyFailed, HttpError } from '../http/errors.ts';
import { openJsonArray } from '../http/json-array-stream.ts';
import type { Metrics } from '../http/metrics.ts';

/** Users per scan call. */
export const LISTING_PAGE_SIZE = 1000;
/** Users presented (avatar URLs signed) at once, and written as one chunk. */
export const LISTING_BATCH_SIZE = 100;
/**
 * Full listings in progress at once. Each one scans the whole table: one presigned listing can keep
 * a core busy on its own when DynamoDB answers fast (the chart's CPU limit is one core), and when it
 * answers slowly concurrent scans queue on it. On moto, which serves scans one at a time, a
 * 1,000-user page of a 100,000-user table takes about 0.8 s to read alone, 2 s with 2 scans at
 * once, up to 3.8 s with 4 and up to 8.7 s with 8, past the SDK's 5 s request timeout
 * (AWS_REQUEST_TIMEOUT_MS).
 */
export const LISTING_CONCURRENCY = 2;
/** How long a listing beyond LISTING_CONCURRENCY waits for a slot before it is refused. */
export const LISTING_WAIT_MS = 2000;

const listingCapacity = () =>
  new HttpError(
    503,
    'listing_capacity',
    'the server is running as many full listings as it allows, try again shortly (or page with ?limit)',
    { 'Retry-After': '5' },
  );

export interface UsersListingOptions<U> {
  users: UsersRepository;
  present: (user: UserItem) => Promise<U>;
  logger: Logger;
  metrics: Metrics;
  /** Defaults: LISTING_CONCURRENCY, LISTING_WAIT_MS. */
  concurrency?: number;
  waitMs?: number;
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
  const slots = new ConcurrencyLimit(
    options.concurrency ?? LISTING_CONCURRENCY,
    options.waitMs ?? LISTING_WAIT_MS,
  );
  const refused = new Counter({
    name: 'users_listing_refused_total',
    help: 'GET /users listings refused with 503 listing_capacity: no slot within the wait',
    registers: [options.metrics.registry],
  });
  new Gauge({
    name: 'users_listings',
    help: 'GET /users listings in progress (state=active) and waiting for a slot (state=waiting)',
    labelNames: ['state'] as const,
    registers: [options.metrics.registry],
    collect() {
      this.set({ state: 'active' }, slots.active);
      this.set({ state: 'waiting' }, slots.waiting);
    },
  });

  return async function streamUsers(ctx: Context): Promise<void> {
    const scan = new AbortController();
    let failed = false;
    let release: (() => void) | undefined;
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
      release?.();
      if (ctx.res.writableFinished) return;
      aborted.inc({ cause: failed ? 'dependency_failed' : 'client_closed' });
    });
    try {
      release = await slots.acquire(scan.signal);
    } catch (err) {
      if (!(err instanceof ConcurrencyLimitFullError)) throw clientClosedRequest();
      refused.inc();
      throw listingCapacity();
    }
    // The slot came in the same turn as the client left: give it back at once.
    if (scan.signal.aborted) {
      release();
      throw clientClosedRequest();
    }
    const chunks = await openJsonArray(pages(), present, LISTING_BATCH_SIZE);
    ctx.type = 'application/json';
    ctx.body = Readable.from(chunks);
  };
}
