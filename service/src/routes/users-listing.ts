// GET /users without ?limit: every user, streamed as one JSON array (http/json-array-stream.ts).
// The table is scanned a page at a time and each page is presented (avatar URLs signed) in
// batches while the next one is read, so a listing holds about two pages whatever the table's
// size. A client that goes away aborts the scan in flight. A scan that fails after the first
// page ends the response truncated, and is counted in users_listing_aborted_total.
// Up to LISTING_CONCURRENCY listings (limits.ts) run at once in the process, and together they
// have at most LISTING_PAGE_READS scan calls in flight; one more listing waits up to
// LISTING_WAIT_MS for a slot, then is refused with 503 listing_capacity and Retry-After.
import { Readable } from 'node:stream';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import type { UserItem, UserListing } from '../domain/users.ts';
import { ConcurrencyLimit, ConcurrencyLimitFullError } from '../http/concurrency-limit.ts';
import { clientClosedRequest, dependencyFailed, HttpError } from '../http/errors.ts';
import { openJsonArray } from '../http/json-array-stream.ts';
import type { Metrics } from '../http/metrics.ts';
import {
  LISTING_BATCH_SIZE,
  LISTING_CONCURRENCY,
  LISTING_PAGE_READS,
  LISTING_PAGE_SIZE,
  LISTING_WAIT_MS,
  PRESIGN_CACHE_SIZE,
} from '../limits.ts';

const listingCapacity = () =>
  new HttpError(
    503,
    'listing_capacity',
    'the server is running as many full listings as it allows, try again shortly (or page with ?limit)',
    { 'Retry-After': '5' },
  );

export interface UsersListingOptions<U> {
  users: Pick<UserListing, 'pages'>;
  /** `remember`: whether a presigned URL made for this user is worth caching. */
  present: (user: UserItem, remember: boolean) => Promise<U>;
  logger: Logger;
  metrics: Metrics;
  /** Defaults: LISTING_CONCURRENCY, LISTING_WAIT_MS, LISTING_PAGE_READS. */
  concurrency?: number;
  waitMs?: number;
  pageReads?: number;
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
  const reads = new ConcurrencyLimit(options.pageReads ?? LISTING_PAGE_READS, Infinity);
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
    // The table's pages, each read (the source's next()) in one of the process's read slots.
    async function* pages(): AsyncGenerator<UserItem[]> {
      const source = users.pages(LISTING_PAGE_SIZE, scan.signal);
      try {
        for (;;) {
          const done = await reads.acquire(scan.signal);
          let page: IteratorResult<UserItem[]>;
          try {
            page = await source.next();
          } finally {
            done();
          }
          if (page.done) return;
          yield page.value;
        }
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
    // Only a listing's first PRESIGN_CACHE_SIZE URLs are cached: past that, a table larger than
    // the cache would replace every entry, each living long enough to reach V8's old generation
    // only to be dropped there, and the next listing would find none of them.
    let presented = 0;
    const presentNext = (user: UserItem) => present(user, presented++ < PRESIGN_CACHE_SIZE);
    const chunks = await openJsonArray(pages(), presentNext, LISTING_BATCH_SIZE);
    ctx.type = 'application/json';
    ctx.body = Readable.from(chunks);
  };
}
