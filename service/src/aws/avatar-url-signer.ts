// Presigned GET URLs at the cost of one SigV4 signature each. The SDK's getSignedUrl resolves
// S3's endpoint rules and runs a cloned middleware stack on every call; here the SDK resolves the
// bucket's endpoint and signing scope once (getSignedUrl for a probe key), and each URL is then
// that endpoint with the object's path, signed by the SDK's own SigV4 signer (@smithy/signature-v4,
// configured as the S3 client configures it, its HMAC keys prepared once:
// aws/prepared-key-sha256.ts). The URLs are the ones getSignedUrl builds, byte for byte.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { buildQueryString, extendedEncodeURIComponent } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { PreparedKeySha256 } from './prepared-key-sha256.ts';

/** A key of plain characters: what follows the bucket's path in its URL is exactly this. */
const PROBE_KEY = 'endpoint-probe';

/** What the presigner adds (X-Amz-Signature, ...); every other query parameter is the request's. */
const PRESIGNER_PARAMETER = /^X-Amz-/;

/**
 * The header S3's presigner (@aws-sdk/s3-request-presigner) adds, spelled as it spells it: the
 * payload is not signed, and the signer hoists the header into the query.
 */
const UNSIGNED_PAYLOAD = { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } as const;

interface ResolvedEndpoint {
  protocol: string;
  hostname: string;
  port: number | undefined;
  /** Host as a browser sends it (with a non-default port). */
  host: string;
  /** The path before the object key: "/" (virtual-hosted) or "/<bucket>/" (path-style). */
  pathPrefix: string;
  signingRegion: string;
  signingService: string;
  /** The GetObject request's own query (x-id, a checksum mode hoisted from a header, ...). */
  query: Record<string, string>;
  signer: SignatureV4;
}

/** The object key as a URL path: each segment escaped as the SDK escapes a greedy key label. */
export function encodeKeyPath(key: string): string {
  return key.split('/').map(extendedEncodeURIComponent).join('/');
}

export class AvatarUrlSigner {
  readonly #s3: S3Client;
  readonly #bucket: string;
  #endpoint: Promise<ResolvedEndpoint> | undefined;

  constructor(s3: S3Client, bucket: string) {
    this.#s3 = s3;
    this.#bucket = bucket;
  }

  /** A GET URL for the object, valid expiresIn seconds from signingDate; no request is made. */
  async sign(key: string, expiresIn: number, signingDate: Date): Promise<string> {
    const endpoint = await this.#resolved();
    const { protocol, hostname, port, host } = endpoint;
    const signed = await endpoint.signer.presign(
      {
        method: 'GET',
        protocol,
        hostname,
        ...(port === undefined ? {} : { port }),
        path: endpoint.pathPrefix + encodeKeyPath(key),
        query: { ...endpoint.query },
        headers: { host, ...UNSIGNED_PAYLOAD },
      },
      { expiresIn, signingDate },
    );
    return `${protocol}//${host}${signed.path}?${buildQueryString(signed.query ?? {})}`;
  }

  /** Resolved on first use; a failure (no credentials yet) is retried by the next call. */
  #resolved(): Promise<ResolvedEndpoint> {
    this.#endpoint ??= this.#resolve().catch((err: unknown) => {
      this.#endpoint = undefined;
      throw err;
    });
    return this.#endpoint;
  }

  async #resolve(): Promise<ResolvedEndpoint> {
    const probe = new URL(
      await getSignedUrl(this.#s3, new GetObjectCommand({ Bucket: this.#bucket, Key: PROBE_KEY })),
    );
    if (!probe.pathname.endsWith(`/${PROBE_KEY}`)) {
      throw new Error(`unexpected presigned URL shape for bucket ${this.#bucket}`);
    }
    // X-Amz-Credential is <access key>/<date>/<region>/<service>/aws4_request.
    const [, , signingRegion, signingService] = (
      probe.searchParams.get('X-Amz-Credential') ?? ''
    ).split('/');
    if (!signingRegion || !signingService) {
      throw new Error('the presigned probe URL has no credential scope');
    }
    const query: Record<string, string> = {};
    for (const [name, value] of probe.searchParams) {
      if (!PRESIGNER_PARAMETER.test(name)) query[name] = value;
    }
    const { credentials } = this.#s3.config;
    return {
      protocol: probe.protocol,
      hostname: probe.hostname,
      port: probe.port === '' ? undefined : Number(probe.port),
      host: probe.host,
      pathPrefix: probe.pathname.slice(0, -PROBE_KEY.length),
      signingRegion,
      signingService,
      query,
      // As the S3 client's signer: S3 paths are signed as sent, not escaped again or normalized.
      signer: new SignatureV4({
        credentials,
        sha256: PreparedKeySha256,
        region: signingRegion,
        service: signingService,
        uriEscapePath: false,
        applyChecksum: false,
      }),
    };
  }
}
