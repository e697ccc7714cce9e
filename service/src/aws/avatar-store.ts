// Avatar objects in S3: server-generated keys, the real content type, canonical object URLs and
// presigned GET URLs built for the endpoint a browser can reach.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ImageType } from '../domain/image-type.ts';

export interface AvatarStoreOptions {
  s3: S3Client;
  s3Public: S3Client;
  bucket: string;
  region: string;
  /** The S3 endpoint browsers reach when not on AWS (emulator), without trailing slash. */
  publicEndpoint: string | undefined;
}

export interface StoredAvatar {
  key: string;
  url: string;
  contentType: string;
}

export class AvatarStore {
  readonly #options: AvatarStoreOptions;
  constructor(options: AvatarStoreOptions) {
    this.#options = options;
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

  /** A GET URL valid for ttlSeconds; signing is local, no request is made. */
  presign(key: string, ttlSeconds: number): Promise<string> {
    return getSignedUrl(
      this.#options.s3Public,
      new GetObjectCommand({ Bucket: this.#options.bucket, Key: key }),
      { expiresIn: ttlSeconds },
    );
  }
}
