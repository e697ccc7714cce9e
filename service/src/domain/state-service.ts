// Applies updates to the shared state: read, apply, conditional write; on a version conflict
// (another replica wrote first) read again and retry with jittered backoff. Updates from this
// process go one at a time, so replicas compete, not the requests of one replica.
import { VersionConflictError, type AuditPage, type StateStore } from './state-store.ts';
import { applyUpdate, type SharedState, type StateUpdate } from './state-update.ts';

export class StateContentionError extends Error {
  constructor(attempts: number) {
    super(`the state is being updated by others; gave up after ${attempts} attempts`);
    this.name = 'StateContentionError';
  }
}

export interface StateServiceOptions {
  repository: StateStore;
  now: () => Date;
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

export class StateService {
  readonly #repository: StateStore;
  readonly #now: () => Date;
  readonly #maxAttempts: number;
  readonly #sleep: (ms: number) => Promise<void>;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: StateServiceOptions) {
    this.#repository = options.repository;
    this.#now = options.now;
    this.#maxAttempts = options.maxAttempts ?? 25;
    this.#sleep =
      options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()));
  }

  read(): Promise<SharedState> {
    return this.#repository.read();
  }

  log(limit: number, cursor: string | undefined): Promise<AuditPage> {
    return this.#repository.log(limit, cursor);
  }

  update(update: StateUpdate, requestId: string): Promise<SharedState> {
    const run = this.#queue.then(() => this.#updateWithRetry(update, requestId));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #updateWithRetry(update: StateUpdate, requestId: string): Promise<SharedState> {
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt++) {
      const current = await this.#repository.read();
      const next = applyUpdate(current, update, this.#now());
      try {
        await this.#repository.write(next, requestId);
        return next;
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
        const ceiling = Math.min(200, 5 * 2 ** attempt);
        await this.#sleep(Math.random() * ceiling);
      }
    }
    throw new StateContentionError(this.#maxAttempts);
  }
}
