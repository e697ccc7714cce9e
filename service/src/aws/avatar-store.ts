// Avatar objects in S3: server-generated keys, the real content type, canonical object URLs and
// presigned GET URLs built for the endpoint a browser can reach.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ImageType } from '../domain/image-type.ts';
import type { AvatarStorage, StoredAvatar } from '../domain/registration-ports.ts';
import { PRESIGN_CACHE_SIZE } from '../limits.ts';
import { AvatarUrlSigner } from './avatar-url-signer.ts';

export interface AvatarStoreOptions {
  /** Clock in milliseconds, for the presigned-URL cache. */
  now?: () => number;
  s3: S3Client;
  s3Public: S3Client;
  bucket: string;
  region: string;
  /** The S3 endpoint browsers reach when not on AWS (emulator), without trailing slash. */
  publicEndpoint: string | undefined;
}

export class AvatarStore implements AvatarStorage {
  readonly #options: AvatarStoreOptions;
  readonly #now: () => number;
  readonly #signer: AvatarUrlSigner;
  // A signature (two HMAC chains and a SHA-256) costs far more than a lookup: the users a client
  // pages through again are answered from here.
  readonly #presigned = new Map<string, { url: string; signedAt: number }>();
  constructor(options: AvatarStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#signer = new AvatarUrlSigner(options.s3Public, options.bucket);
  }

  newKey(type: ImageType): string {
    return `avatars/${randomUUID()}.${type.extension}`;
  }

  /** https://<bucket>.s3.<region>.amazonaws.com/<key> on AWS; path-style on an emulator. */
  canonicalUrl(key: string): string {
    const { bucket, region, publicEndpoint } = this.#options;
    const path = key.split('/').map(encodeURIComponent).join('/');
    return publicEndpoint
      ? `${publicEndpoint}/${bucket}/${path}`
      : `https://${bucket}.s3.${region}.amazonaws.com/${path}`;
  }

  async put(key: string, body: Readable, size: number, type: ImageType): Promise<StoredAvatar> {
    await this.#options.s3.send(
      new PutObjectCommand({
        Bucket: this.#options.bucket,
        Key: key,
        Body: body,
        ContentLength: size,
        ContentType: type.contentType,
        CacheControl: 'private, max-age=86400',
      }),
    );
    return { key, url: this.canonicalUrl(key), contentType: type.contentType };
  }

  async delete(key: string): Promise<void> {
    await this.#options.s3.send(
      new DeleteObjectCommand({ Bucket: this.#options.bucket, Key: key }),
    );
  }

  /**
   * A GET URL valid for at least half of ttlSeconds (a fresh one is valid ttlSeconds); signing
   * is local, no request is made. With `remember: false` a cached URL is still used, but a new
   * one is not kept.
   */
  async presign(key: string, ttlSeconds: number, { remember = true } = {}): Promise<string> {
    const now = this.#now();
    const cacheKey = `${String(ttlSeconds)} ${key}`;
    const cached = this.#presigned.get(cacheKey);
    if (cached && now - cached.signedAt < (ttlSeconds * 1000) / 2) return cached.url;
    const url = await this.#signer.sign(key, ttlSeconds, new Date(now));
    if (!remember) return url;
    this.#presigned.delete(cacheKey);
    this.#presigned.set(cacheKey, { url, signedAt: now });
    if (this.#presigned.size > PRESIGN_CACHE_SIZE) {
      // Maps iterate in insertion order: the first entry is the oldest.
      const oldest = this.#presigned.keys().next().value;
      if (oldest !== undefined) this.#presigned.delete(oldest);
    }
    return url;
  }
}
