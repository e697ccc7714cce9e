// A counting semaphore for work that must not run more than `limit` times at once in this process.
// Beyond the limit a caller waits, first come first served, at most `maxWaitMs` (Infinity: until a
// slot is free); then it is refused (ConcurrencyLimitFullError), so a burst is answered with 503 at
// once rather than piling up work that would time out later.

export class ConcurrencyLimitFullError extends Error {
  constructor() {
    super('as many as allowed are in progress');
    this.name = 'ConcurrencyLimitFullError';
  }
}

interface Waiter {
  grant: () => void;
  refuse: (err: Error) => void;
}

export class ConcurrencyLimit {
  readonly limit: number;
  readonly maxWaitMs: number;
  #active = 0;
  readonly #waiters: Waiter[] = [];

  constructor(limit: number, maxWaitMs: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError('limit must be an integer >= 1');
    this.limit = limit;
    this.maxWaitMs = maxWaitMs;
  }

  /** Holders of a slot now. */
  get active(): number {
    return this.#active;
  }

  /** Callers waiting for a slot now. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Resolves with the function that gives the slot back (calling it again does nothing). Rejects
   * with ConcurrencyLimitFullError after maxWaitMs without a slot, or with the signal's reason if
   * the signal aborts first.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.#active < this.limit) {
      this.#active++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
      };
      const waiter: Waiter = {
        grant: () => {
          leave();
          resolve(this.#releaser());
        },
        refuse: (err) => {
          leave();
          reject(err);
        },
      };
      const onAbort = () => {
        waiter.refuse(signal?.reason as Error);
      };
      const timer = Number.isFinite(this.maxWaitMs)
        ? setTimeout(() => {
            waiter.refuse(new ConcurrencyLimitFullError());
          }, this.maxWaitMs)
        : undefined;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters[0];
      // The slot passes straight to the first waiter, so #active stays as it is.
      if (next) next.grant();
      else this.#active--;
    };
  }
}
