// In-memory stand-ins for the ports of user registration (domain/registration-ports.ts,
// domain/users.ts), each able to fail the way S3 and DynamoDB do: refused, or timed out.
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { Avatars } from '../../src/app-dependencies.ts';
import type { ImageType } from '../../src/domain/image-type.ts';
import type {
  AvatarUpload,
  CleanupScheduler,
  StoredAvatar,
} from '../../src/domain/registration-ports.ts';
import {
  EmailTakenError,
  type UserItem,
  type UserListing,
  type UserRecords,
} from '../../src/domain/users.ts';

/** A call that was refused: nothing was written (an AWS 4xx). */
export class Refused extends Error {}
/** A call whose outcome is unknown: it may still be applied (a timeout, a dropped connection). */
export class TimedOut extends Error {}

export const isDefinitiveFailure = (err: unknown) => err instanceof Refused;

export class MemoryAvatars implements Avatars {
  readonly objects = new Map<string, { bytes: Buffer; contentType: string }>();
  readonly deleted: string[] = [];
  failPut: Error | undefined;
  failDelete: Error | undefined;
  #keys = 0;

  newKey(type: ImageType): string {
    return `avatars/${++this.#keys}.${type.extension}`;
  }

  async put(key: string, body: Readable, size: number, type: ImageType): Promise<StoredAvatar> {
    if (this.failPut) throw this.failPut;
    const bytes = await buffer(body);
    if (bytes.length !== size) throw new Error(`declared ${size} bytes, got ${bytes.length}`);
    this.objects.set(key, { bytes, contentType: type.contentType });
    return { key, url: `https://avatars.test/${key}`, contentType: type.contentType };
  }

  delete(key: string): Promise<void> {
    if (this.failDelete) return Promise.reject(this.failDelete);
    this.deleted.push(key);
    this.objects.delete(key);
    return Promise.resolve();
  }

  presign(key: string, ttlSeconds: number): Promise<string> {
    return Promise.resolve(`https://avatars.test/${key}?ttl=${ttlSeconds}`);
  }
}

export class MemoryUsers implements UserRecords, UserListing {
  readonly records = new Map<string, UserItem>();
  failExists: Error | undefined;
  failCreate: Error | undefined;
  /** Another request registers this user between the early check and the write. */
  raceWith: UserItem | undefined;

  exists(email: string): Promise<boolean> {
    if (this.failExists) return Promise.reject(this.failExists);
    return Promise.resolve(this.records.has(email));
  }

  create(user: UserItem): Promise<void> {
    if (this.raceWith) this.records.set(this.raceWith.email, this.raceWith);
    if (this.failCreate) return Promise.reject(this.failCreate);
    if (this.records.has(user.email)) return Promise.reject(new EmailTakenError(user.email));
    this.records.set(user.email, user);
    return Promise.resolve();
  }

  pageAfter(limit: number): Promise<{ items: UserItem[]; nextCursor: undefined }> {
    return Promise.resolve({
      items: [...this.records.values()].slice(0, limit),
      nextCursor: undefined,
    });
  }

  isValidCursor(): boolean {
    return false;
  }

  async *pages(): AsyncGenerator<UserItem[]> {
    yield await Promise.resolve([...this.records.values()]);
  }
}

export class RecordedCleanup implements CleanupScheduler {
  readonly scheduled: { key: string; email: string }[] = [];
  schedule(key: string, email: string): void {
    this.scheduled.push({ key, email });
  }
}

/** An upload as the spool hands it over: bytes in memory instead of a file. */
export function uploadOf(bytes: Buffer): AvatarUpload {
  return {
    size: bytes.length,
    head: (count) => Promise.resolve(bytes.subarray(0, count)),
    content: () => Readable.from([bytes]),
  };
}

export const existingUser = (email: string): UserItem => ({
  email,
  name: 'Existing',
  avatar_url: 'https://avatars.test/avatars/existing.png',
  avatar_key: 'avatars/existing.png',
  avatar_content_type: 'image/png',
  created_at: '2020-01-01T00:00:00.000Z',
});
