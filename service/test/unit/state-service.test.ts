import { expect } from 'chai';
import { StateContentionError, StateService } from '../../src/domain/state-service.ts';
import {
  VersionConflictError,
  type AuditEntry,
  type AuditPage,
  type StateStore,
} from '../../src/domain/state-store.ts';
import { INITIAL_STATE, type SharedState } from '../../src/domain/state-update.ts';

/**
 * The store in memory, with the conditional write of the real one. `interfere` runs before a
 * write is checked: it stands for another replica writing first.
 */
class MemoryStateStore implements StateStore {
  current: SharedState = INITIAL_STATE;
  readonly entries: AuditEntry[] = [];
  reads = 0;
  writes = 0;
  interfere: (() => void) | undefined;
  /** The next write fails with this (once). */
  failNext: Error | undefined;

  read(): Promise<SharedState> {
    this.reads++;
    return Promise.resolve(this.current);
  }

  async write(next: SharedState, requestId: string): Promise<void> {
    this.writes++;
    // A turn of the event loop, so overlapping updates would interleave here.
    await new Promise((resolve) => setImmediate(resolve));
    this.interfere?.();
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    if (this.current.version !== next.version - 1) throw new VersionConflictError();
    this.current = next;
    this.entries.unshift({
      version: next.version,
      counter: next.counter,
      message: next.message,
      updated_at: next.updated_at ?? '',
      request_id: requestId,
    });
  }

  log(limit: number): Promise<AuditPage> {
    return Promise.resolve({ items: this.entries.slice(0, limit), nextCursor: undefined });
  }

  /** Another replica's update, written straight to the store. */
  writeAsOtherReplica(counter: number): void {
    this.current = { ...this.current, counter, version: this.current.version + 1 };
  }
}

const NOW = new Date('2030-01-02T03:04:05.000Z');

function service(store: StateStore, maxAttempts = 5) {
  const sleeps: number[] = [];
  const state = new StateService({
    repository: store,
    now: () => NOW,
    maxAttempts,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  return { state, sleeps };
}

describe('state service (in-memory store)', () => {
  it('applies an update to the current state and logs it with the request id', async () => {
    const store = new MemoryStateStore();
    const { state } = service(store);
    const next = await state.update({ counter: 7 }, 'req-1');
    expect(next).to.deep.equal({
      counter: 7,
      message: '',
      updated_at: NOW.toISOString(),
      version: 1,
    });
    expect(await state.read()).to.deep.equal(next);
    expect((await state.log(10, undefined)).items).to.deep.equal([
      { version: 1, counter: 7, message: '', updated_at: NOW.toISOString(), request_id: 'req-1' },
    ]);
  });

  it('on a version conflict reads again and applies the update to what the other wrote', async () => {
    const store = new MemoryStateStore();
    const { state, sleeps } = service(store);
    let once = true;
    store.interfere = () => {
      if (once) store.writeAsOtherReplica(41);
      once = false;
    };
    const next = await state.update({ message: 'mine' }, 'req-2');
    // The other replica's counter survives: the update was not applied to a stale read.
    expect(next).to.include({ counter: 41, message: 'mine', version: 2 });
    expect(store.current).to.deep.equal(next);
    expect(store.reads).to.equal(2);
    expect(sleeps).to.have.length(1);
    expect(sleeps[0]).to.be.within(0, 200);
  });

  it('gives up with StateContentionError after maxAttempts conflicts, writing nothing', async () => {
    const store = new MemoryStateStore();
    const { state, sleeps } = service(store, 3);
    store.interfere = () => {
      store.writeAsOtherReplica(store.current.counter + 1);
    };
    const err = await state.update({ counter: 1 }, 'req-3').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(StateContentionError);
    expect(store.writes).to.equal(3);
    expect(store.entries).to.deep.equal([]);
    expect(sleeps).to.have.length(3);
  });

  it('passes any other failure on at once, without retrying', async () => {
    const store = new MemoryStateStore();
    const { state, sleeps } = service(store);
    const down = new Error('DynamoDB is down');
    store.failNext = down;
    const err = await state.update({ counter: 1 }, 'req-4').catch((e: unknown) => e);
    expect(err).to.equal(down);
    expect(store.writes).to.equal(1);
    expect(sleeps).to.deep.equal([]);
  });

  it('runs the updates of one process one at a time: none conflicts, none is lost', async () => {
    const store = new MemoryStateStore();
    const { state, sleeps } = service(store);
    store.failNext = new Error('the first one fails');
    const failed = state.update({ counter: 100 }, 'req-0').catch((e: unknown) => e);
    const results = await Promise.all([
      state.update({ counter: 1 }, 'a'),
      state.update({ message: 'two' }, 'b'),
      state.update({ counter: 3 }, 'c'),
    ]);
    // A failed update does not hold up the ones queued behind it.
    expect(await failed).to.have.property('message', 'the first one fails');
    expect(results.map((result) => result.version)).to.deep.equal([1, 2, 3]);
    expect(store.current).to.include({ counter: 3, message: 'two', version: 3 });
    expect(store.entries.map((entry) => entry.request_id)).to.deep.equal(['c', 'b', 'a']);
    expect(sleeps).to.deep.equal([]);
  });
});
