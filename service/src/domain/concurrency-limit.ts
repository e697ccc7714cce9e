// At most N holders at once; the others wait in arrival order, for a bounded time.
//
// Avatar uploads are streamed to /tmp before they go to S3, so the number running at once is what
// bounds the disk (a tmpfs or a size-limited emptyDir) they use: N x AVATAR_MAX_BYTES at most.

export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
  timer: NodeJS.Timeout;
}

export class ConcurrencyLimit {
  readonly #capacity: number;
  #active = 0;
  readonly #waiting: Waiter[] = [];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be >= 1');
    this.#capacity = capacity;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /** A release function once a slot is free, or null when none frees up within `waitMs`. */
  acquire(waitMs: number): Promise<Release | null> {
    if (this.#active < this.#capacity) {
      this.#active++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
          resolve(null);
        }, waitMs),
      };
      this.#waiting.push(waiter);
    });
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) {
        // The slot passes straight to the next waiter: the count stays the same.
        clearTimeout(next.timer);
        next.grant(this.#releaser());
      } else {
        this.#active--;
      }
    };
  }
}
