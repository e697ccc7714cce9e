import { expect } from 'chai';
import { ConcurrencyLimit, ConcurrencyLimitFullError } from '../../src/http/concurrency-limit.ts';

describe('ConcurrencyLimit', () => {
  it('grants up to the limit at once', async () => {
    const limit = new ConcurrencyLimit(2, 50);
    await limit.acquire();
    await limit.acquire();
    expect(limit.active).to.equal(2);
    expect(limit.waiting).to.equal(0);
  });

  it('refuses a caller that waited maxWaitMs without a slot, and forgets it', async () => {
    const limit = new ConcurrencyLimit(1, 20);
    await limit.acquire();
    const started = performance.now();
    const err = await limit.acquire().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ConcurrencyLimitFullError);
    expect(performance.now() - started).to.be.at.least(15);
    expect(limit.waiting).to.equal(0);
    expect(limit.active).to.equal(1);
  });

  it('hands a released slot to the first waiter, in order', async () => {
    const limit = new ConcurrencyLimit(1, 1000);
    const release = await limit.acquire();
    const order: number[] = [];
    const first = limit.acquire().then((r) => (order.push(1), r));
    const second = limit.acquire().then((r) => (order.push(2), r));
    expect(limit.waiting).to.equal(2);
    release();
    release(); // a second call gives nothing back
    (await first)();
    (await second)();
    expect(order).to.deep.equal([1, 2]);
    expect(limit.active).to.equal(0);
    expect(limit.waiting).to.equal(0);
  });

  it('stops waiting when the signal aborts, and rejects with its reason', async () => {
    const limit = new ConcurrencyLimit(1, 1000);
    await limit.acquire();
    const gone = new AbortController();
    const waiting = limit.acquire(gone.signal);
    gone.abort(new Error('client left'));
    const err = await waiting.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.equal('client left');
    expect(limit.waiting).to.equal(0);
    expect(limit.active).to.equal(1);
  });

  it('with maxWaitMs Infinity, waits until a slot is given back', async () => {
    const limit = new ConcurrencyLimit(1, Infinity);
    const release = await limit.acquire();
    let granted = false;
    const waiting = limit.acquire().then((done) => {
      granted = true;
      return done;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(granted).to.equal(false);
    release();
    (await waiting)();
    expect(limit.active).to.equal(0);
  });

  it('rejects a limit below 1', () => {
    expect(() => new ConcurrencyLimit(0, 10)).to.throw(RangeError);
  });
});
