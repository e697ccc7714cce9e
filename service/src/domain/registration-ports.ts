// What registering a user needs besides the user records (users.ts), as small interfaces: the
// uploaded image, somewhere to keep it, a way to have an in-doubt upload checked later, a clock,
// and a way to tell a refused call from one whose outcome is unknown. aws/ implements them on S3
// and DynamoDB, uploads/ on the spooled file, unit tests in memory.
import type { Readable } from 'node:stream';
import type { ImageType } from './image-type.ts';

/** The uploaded avatar: its size, its first bytes (to tell its type) and its content. */
export interface AvatarUpload {
  size: number;
  head(bytes: number): Promise<Uint8Array>;
  content(): Readable;
}

export interface StoredAvatar {
  key: string;
  url: string;
  contentType: string;
}

export interface AvatarStorage {
  /** A key no other object has. */
  newKey(type: ImageType): string;
  put(key: string, body: Readable, size: number, type: ImageType): Promise<StoredAvatar>;
  /** Deletes the object; deleting a key that was never stored is harmless. */
  delete(key: string): Promise<void>;
}

export interface CleanupScheduler {
  /** The object `key` of an upload for `email` may or may not be wanted: check it later. */
  schedule(key: string, email: string): void;
}

export interface Clock {
  now(): Date;
}

/**
 * Whether a failed call was certainly not applied (refused). Otherwise (a timeout, a dropped
 * connection, a server error) it may have been applied after all, and its outcome is in doubt.
 */
export type DefinitiveFailureCheck = (err: unknown) => boolean;
