// Repairs uploads whose outcome is in doubt. When a call to S3 or DynamoDB times out or the
// connection drops, the request may still be applied after the service gave up on it: an
// avatar object may appear with no user, or a user may be written after its object was deleted.
// So the service never guesses: it answers 503 and schedules a check here. Once the in-doubt
// call can no longer land (a delay longer than the AWS request timeout), the check reads the
// user item: if it references the object, the user exists and the object stays; otherwise the
// object is deleted (deleting a key that was never stored is harmless). Checks retry with backoff
// while AWS stays unreachable. `pending()` is exported as a metric and drained at shutdown.
import type { Logger } from 'pino';
import type { CleanupScheduler } from './registration-ports.ts';

export interface CleanupPorts {
  /** The avatar key of the user stored under `email` (consistent read), if any. */
  avatarKeyOf(email: string): Promise<string | undefined>;
  deleteObject(key: string): Promise<void>;
}

export interface AvatarCleanupOptions {
  ports: CleanupPorts;
  logger: Logger;
  /** How long after the failure the first check runs: longer than an AWS request may take. */
  settleMs: number;
  /** Give up (and log the key for an operator) after this long. */
  maxAgeMs?: number;
  now?: () => number;
}

interface Task {
  key: string;
  email: string;
  createdAt: number;
  dueAt: number;
  attempts: number;
}

const MAX_BACKOFF_MS = 10_000;

/** The two calls a check needs, from the users table and the avatar store. */
export function cleanupPorts(
  users: { avatarKeyOf(email: string): Promise<string | undefined> },
  avatars: { delete(key: string): Promise<void> },
): CleanupPorts {
  return {
    avatarKeyOf: (email) => users.avatarKeyOf(email),
    deleteObject: (key) => avatars.delete(key),
  };
}

export class AvatarCleanup implements CleanupScheduler {
  readonly #ports: CleanupPorts;
  readonly #logger: Logger;
  readonly #settleMs: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #tasks = new Map<string, Task>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: AvatarCleanupOptions) {
    this.#ports = options.ports;
    this.#logger = options.logger;
    this.#settleMs = options.settleMs;
    this.#maxAgeMs = options.maxAgeMs ?? 60 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  /** The object `key` of an upload for `email` may or may not be wanted: check it later. */
  schedule(key: string, email: string): void {
    const now = this.#now();
    this.#tasks.set(key, { key, email, createdAt: now, dueAt: now + this.#settleMs, attempts: 0 });
    this.#logger.warn({ key, email }, 'upload outcome in doubt: object check scheduled');
    this.#arm();
  }

  pending(): number {
    return this.#tasks.size;
  }

  /** Runs every due check now; resolves when none is left or the time is up. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = this.#now() + timeoutMs;
    while (this.#tasks.size > 0 && this.#now() < deadline) {
      await this.runDue(deadline);
      if (this.#tasks.size > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (this.#tasks.size > 0) {
      this.#logger.error(
        { keys: [...this.#tasks.keys()] },
        'avatar objects left unchecked at shutdown: possible orphan objects',
      );
    }
    return this.#tasks.size === 0;
  }

  /** Runs the checks that are due (all of them when `until` is given and passed). */
  runDue(until?: number): Promise<void> {
    this.#running ??= this.#run(until).finally(() => {
      this.#running = undefined;
      this.#arm();
    });
    return this.#running;
  }

  async #run(until?: number): Promise<void> {
    for (const task of [...this.#tasks.values()]) {
      const now = this.#now();
      if (task.dueAt > now && until === undefined) continue;
      try {
        const current = await this.#ports.avatarKeyOf(task.email);
        if (current === task.key) {
          this.#logger.info(
            { key: task.key, email: task.email },
            'in-doubt upload completed: user kept',
          );
        } else {
          await this.#ports.deleteObject(task.key);
          this.#logger.info(
            { key: task.key, email: task.email },
            'in-doubt upload undone: object deleted',
          );
        }
        this.#tasks.delete(task.key);
      } catch (err) {
        task.attempts += 1;
        if (this.#now() - task.createdAt > this.#maxAgeMs) {
          this.#tasks.delete(task.key);
          this.#logger.error(
            { err, key: task.key },
            'gave up checking an avatar object: possible orphan object',
          );
        } else {
          task.dueAt = this.#now() + Math.min(MAX_BACKOFF_MS, 500 * 2 ** task.attempts);
        }
      }
    }
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#tasks.size === 0) return;
    const next = Math.min(...[...this.#tasks.values()].map((task) => task.dueAt));
    this.#timer = setTimeout(() => void this.runDue(), Math.max(0, next - this.#now()));
    this.#timer.unref();
  }
}
