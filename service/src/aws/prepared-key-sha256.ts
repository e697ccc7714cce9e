// The SHA-256 and HMAC-SHA256 the SDK's SigV4 signer is given (its `sha256` option), from
// node:crypto, with each HMAC key prepared once. node:crypto turns a raw key into a key object on
// every createHmac, which costs several times the HMAC itself; a presigned URL takes two HMACs
// (the signing key's cache lookup and the signature), both with keys that stay the same for a day:
// the secret access key and the derived signing key.
import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** What the SDK hashes: text (UTF-8) or bytes. */
type SourceData = string | ArrayBuffer | ArrayBufferView;

/** Text keys (secret access keys and their "AWS4" forms) kept; older ones are dropped first. */
const TEXT_KEYS_KEPT = 16;
const textKeys = new Map<string, KeyObject>();
// The SDK keeps each derived signing key as one Uint8Array while it is in use: its key object
// lives as long as that array does.
const binaryKeys = new WeakMap<object, KeyObject>();

function bytesOf(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

function keyObjectOf(secret: SourceData): KeyObject {
  if (typeof secret === 'string') {
    let key = textKeys.get(secret);
    if (!key) {
      key = createSecretKey(Buffer.from(secret, 'utf8'));
      textKeys.set(secret, key);
      if (textKeys.size > TEXT_KEYS_KEPT) {
        const oldest = textKeys.keys().next().value;
        if (oldest !== undefined) textKeys.delete(oldest);
      }
    }
    return key;
  }
  let key = binaryKeys.get(secret);
  if (!key) {
    key = createSecretKey(bytesOf(secret));
    binaryKeys.set(secret, key);
  }
  return key;
}

/** SHA-256, or HMAC-SHA256 when constructed with a secret (the SDK's Hash interface). */
export class PreparedKeySha256 {
  readonly #secret: SourceData | undefined;
  #hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;

  constructor(secret?: SourceData) {
    this.#secret = secret;
    this.#hash = this.#start();
  }

  update(data: SourceData): void {
    this.#hash.update(typeof data === 'string' ? data : bytesOf(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }

  reset(): void {
    this.#hash = this.#start();
  }

  #start() {
    return this.#secret === undefined
      ? createHash('sha256')
      : createHmac('sha256', keyObjectOf(this.#secret));
  }
}
