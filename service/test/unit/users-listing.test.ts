import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import type { Context } from 'koa';
import { pino } from 'pino';
import type { UserItem } from '../../src/domain/users.ts';
import { HttpError } from '../../src/http/errors.ts';
import { createMetrics } from '../../src/http/metrics.ts';
import { usersListing } from '../../src/routes/users-listing.ts';

const user = (n: number): UserItem => ({
  email: `u${n}@example.com`,
  name: `U ${n}`,
  avatar_url: `http://s3.test/a${n}`,
  avatar_key: `a${n}`,
  avatar_content_type: 'image/png',
  created_at: new Date(0).toISOString(),
});

/** A table whose scans give one page and then never end until aborted; counts the scans. */
function hangingUsers() {
  const scans = { started: 0 };
  const users = {
    async *pages(_size: number, signal?: AbortSignal): AsyncGenerator<UserItem[]> {
      scans.started++;
      yield [user(1)];
      await new Promise((_resolve, reject) => {
        signal?.addEventListener(
          'abort',
          () => {
            reject(new Error('aborted'));
          },
          { once: true },
        );
      });
    },
  };
  return { users, scans };
}

/** What the handler uses of a Koa context: state, res ('close', writableFinished), type, body. */
function fakeContext() {
  const res = Object.assign(new EventEmitter(), { writableFinished: false });
  const ctx = { state: { requestId: 'r' }, res, type: '', body: undefined as unknown };
  return { ctx: ctx as unknown as Context, res };
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('GET /users listing, concurrency', () => {
  const setup = (concurrency: number, waitMs: number, pageReads?: number) => {
    const { users, scans } = hangingUsers();
    const metrics = createMetrics();
    const handler = usersListing({
      users,
      present: (u: UserItem) => Promise.resolve(u.email),
      logger: pino({ level: 'silent' }),
      metrics,
      concurrency,
      waitMs,
      ...(pageReads === undefined ? {} : { pageReads }),
    });
    return { handler, scans, metrics };
  };

  it('runs at most `concurrency` listings; one more is refused with 503 and Retry-After', async () => {
    const { handler, scans, metrics } = setup(2, 20);
    const a = fakeContext();
    const b = fakeContext();
    await handler(a.ctx);
    await handler(b.ctx);
    expect(scans.started).to.equal(2);

    const c = fakeContext();
    const err = await errorOf(handler(c.ctx));
    expect(err).to.be.instanceOf(HttpError);
    expect((err as HttpError).status).to.equal(503);
    expect((err as HttpError).code).to.equal('listing_capacity');
    expect((err as HttpError).headers['Retry-After']).to.equal('5');
    expect(scans.started).to.equal(2);
    const text = await metrics.registry.metrics();
    expect(text).to.match(/^users_listing_refused_total 1$/m);
    expect(text).to.match(/^users_listings\{state="active"\} 2$/m);

    // A listing that ends (here: its client leaves) gives its slot back.
    a.res.emit('close');
    const d = fakeContext();
    await handler(d.ctx);
    expect(scans.started).to.equal(3);
    for (const open of [b, d]) open.res.emit('close');
  });

  it('lets a waiting listing start when a slot is given back within the wait', async () => {
    const { handler, scans } = setup(1, 1000);
    const a = fakeContext();
    await handler(a.ctx);
    const b = fakeContext();
    const waiting = handler(b.ctx);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(scans.started).to.equal(1);
    a.res.writableFinished = true;
    a.res.emit('close');
    await waiting;
    expect(scans.started).to.equal(2);
    b.res.emit('close');
  });

  it('a client that leaves while waiting gives up its place and starts no scan', async () => {
    const { handler, scans, metrics } = setup(1, 1000);
    const a = fakeContext();
    await handler(a.ctx);
    const b = fakeContext();
    const waiting = errorOf(handler(b.ctx));
    b.res.emit('close');
    const err = await waiting;
    expect((err as HttpError).status).to.equal(499);
    a.res.emit('close');
    const c = fakeContext();
    await handler(c.ctx);
    expect(scans.started).to.equal(2);
    const text = await metrics.registry.metrics();
    expect(text).to.match(/^users_listings\{state="active"\} 1$/m);
    expect(text).to.match(/^users_listings\{state="waiting"\} 0$/m);
    c.res.emit('close');
  });

  it('listings take turns for the page read slots, waiting as long as a read takes', async () => {
    const { handler, scans } = setup(4, 20, 1);
    const a = fakeContext();
    // A reads its first page, then holds the only read slot with a read that does not end.
    await handler(a.ctx);
    const b = fakeContext();
    const started = handler(b.ctx);
    // Well past the 20 ms a listing waits for a listing slot: B waits for its read, not refused.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(scans.started).to.equal(1);
    a.res.emit('close');
    await started;
    expect(scans.started).to.equal(2);
    b.res.emit('close');
  });
});
