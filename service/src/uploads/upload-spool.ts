// Temporary files of uploads in progress, under one byte budget for the whole process. Bytes are
// charged as they are written and given back when the files are removed, so /tmp cannot overflow
// however many uploads run at once. A write that does not fit fails at once: there is no queue,
// so a slow client holds only the bytes it has sent and never keeps another upload waiting.
import { type FileHandle, open, rm, statfs } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** The budget is spent: the upload is refused and its partial file removed. */
export class UploadSpoolFullError extends Error {
  constructor(capacityBytes: number) {
    super(`uploads in progress already hold the ${capacityBytes} bytes allowed in the spool`);
    this.name = 'UploadSpoolFullError';
  }
}

export class UploadSpool {
  readonly capacityBytes: number;
  #usedBytes = 0;

  constructor(capacityBytes: number) {
    this.capacityBytes = capacityBytes;
  }

  /** Bytes held by temporary files now. */
  get usedBytes(): number {
    return this.#usedBytes;
  }

  /** The files of one request; its dispose() removes them and gives their bytes back. */
  session(): SpoolSession {
    return new SpoolSession(this);
  }

  /** Charges bytes about to be written; false (nothing charged) when they do not fit. */
  take(bytes: number): boolean {
    if (this.#usedBytes + bytes > this.capacityBytes) return false;
    this.#usedBytes += bytes;
    return true;
  }

  /** Gives back the bytes of a removed file. */
  give(bytes: number): void {
    this.#usedBytes -= bytes;
  }
}

/** Writes one file, charging each chunk to the budget before it reaches the disk. */
class SpoolFile extends Writable {
  readonly path: string;
  chargedBytes = 0;
  /** Whether this stream created the file (only then is it removed). */
  created = false;
  readonly #spool: UploadSpool;
  #handle: FileHandle | undefined;

  constructor(path: string, spool: UploadSpool) {
    super();
    this.path = path;
    this.#spool = spool;
  }

  override _construct(callback: (err?: Error | null) => void): void {
    settle(this.#open(), callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error) => void) {
    const handle = this.#handle;
    if (!handle) {
      callback(new Error(`${this.path} is not open`));
      return;
    }
    if (!this.#spool.take(chunk.length)) {
      callback(new UploadSpoolFullError(this.#spool.capacityBytes));
      return;
    }
    this.chargedBytes += chunk.length;
    settle(handle.write(chunk), callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    settle(this.#closeHandle(), callback);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    // FileHandle.close waits for a write still in progress on it.
    settle(
      this.#closeHandle().catch(() => undefined),
      () => {
        callback(err);
      },
    );
  }

  async #open(): Promise<void> {
    // 'wx': a name that already exists is an error, never someone else's file overwritten.
    this.#handle = await open(this.path, 'wx', 0o600);
    this.created = true;
  }

  async #closeHandle(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }
}

/** Calls a stream callback once the work is done: with no argument, or with its error. */
function settle(work: Promise<unknown>, callback: (err?: Error) => void): void {
  work.then(
    () => {
      callback();
    },
    (err: unknown) => {
      callback(err instanceof Error ? err : new Error(String(err)));
    },
  );
}

export class SpoolSession {
  readonly #spool: UploadSpool;
  readonly #files: SpoolFile[] = [];

  constructor(spool: UploadSpool) {
    this.#spool = spool;
  }

  /** A stream writing the file at path (which must not exist yet). */
  writer(path: string): Writable {
    const file = new SpoolFile(path, this.#spool);
    this.#files.push(file);
    return file;
  }

  /**
   * The first error of this request's writers (a spent budget, a full disk), if any. formidable
   * may finish parsing before a writer's error reaches it, so the caller checks this as well.
   */
  failure(): Error | undefined {
    return this.#files.find((file) => file.errored)?.errored ?? undefined;
  }

  /** Stops the writers, removes the files and gives their bytes back; safe to call twice. */
  async dispose(): Promise<void> {
    const files = this.#files.splice(0);
    await Promise.all(
      files.map(async (file) => {
        if (!file.closed) {
          const closed = new Promise((resolve) => file.once('close', resolve));
          file.destroy();
          await closed;
        }
        try {
          if (file.created) await rm(file.path, { force: true });
        } finally {
          // Given back even if removal failed: a lost budget would refuse every later upload,
          // while a full disk is answered like a full budget (ENOSPC, routes/user-form-errors.ts).
          this.#spool.give(file.chargedBytes);
        }
      }),
    );
  }
}

/**
 * Why the directory may not hold capacityBytes of uploads (less space free than the budget), or
 * undefined. Uploads that meet a full disk are refused like a spent budget, but an operator
 * should hear of it at start.
 */
export async function spoolSpaceProblem(
  dir: string,
  capacityBytes: number,
): Promise<string | undefined> {
  const stats = await statfs(dir);
  const freeBytes = stats.bavail * stats.bsize;
  if (freeBytes >= capacityBytes) return undefined;
  return `${dir} has ${freeBytes} bytes free, less than UPLOAD_TMP_MAX_BYTES (${capacityBytes}): uploads may be refused with 503 before the budget is spent`;
}
