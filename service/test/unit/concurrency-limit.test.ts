import { expect } from 'chai';
import { ConcurrencyLimit, type Release } from '../../src/domain/concurrency-limit.ts';

describe('concurrency limit (upload slots)', () => {
  it('grants up to its capacity at once, then hands slots on in arrival order', async () => {
    const limit = new ConcurrencyLimit(2);
    const first = (await limit.acquire(1000))!;
    const second = (await limit.acquire(1000))!;
    expect(limit.active).to.equal(2);
    const order: number[] = [];
    const third = limit.acquire(1000).then((release) => (order.push(3), release));
    const fourth = limit.acquire(1000).then((release) => (order.push(4), release));
    expect(limit.waiting).to.equal(2);
    first();
    first(); // a second call of one release frees nothing more
    const thirdRelease = (await third) as Release;
    expect(order).to.deep.equal([3]);
    expect(limit.active).to.equal(2);
    second();
    const fourthRelease = (await fourth) as Release;
    expect(order).to.deep.equal([3, 4]);
    thirdRelease();
    fourthRelease();
    expect(limit.active).to.equal(0);
    expect(limit.waiting).to.equal(0);
  });

  it('gives up with null when no slot frees within the wait, and forgets the waiter', async () => {
    const limit = new ConcurrencyLimit(1);
    const held = (await limit.acquire(1000))!;
    expect(await limit.acquire(20)).to.equal(null);
    expect(limit.waiting).to.equal(0);
    held();
    const again = await limit.acquire(20);
    expect(again).to.be.a('function');
    again!();
    expect(limit.active).to.equal(0);
  });

  it('refuses a capacity below one', () => {
    expect(() => new ConcurrencyLimit(0)).to.throw(RangeError);
  });
});
