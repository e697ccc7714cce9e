// AWS SDK clients with the timeouts that make a dead dependency fail fast instead of hanging.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Config } from '../config.ts';

export interface AwsClients {
  /** The low-level client, for table-level calls such as DescribeTable. */
  dynamoBase: DynamoDBClient;
  dynamo: DynamoDBDocumentClient;
  s3: S3Client;
  /** Signs URLs for browsers: same bucket, but the endpoint a browser reaches (S3_PUBLIC_ENDPOINT). */
  s3Public: S3Client;
  destroy(): void;
}

type AwsSettings = Pick<
  Config,
  | 'AWS_REGION'
  | 'AWS_ENDPOINT_URL'
  | 'S3_PUBLIC_ENDPOINT'
  | 'AWS_CONNECT_TIMEOUT_MS'
  | 'AWS_REQUEST_TIMEOUT_MS'
>;

/**
 * Where the SDK's own warnings go (JSON through pino in the service). It has no `info` on purpose:
 * the SDK's logger middleware calls `logger?.info?.(...)` after every command with a redacted copy
 * of its input and output as the argument (schemaLogFilter walks every item of a scan page), work
 * that a no-op `info` (or the SDK's default NoOpLogger) still pays for. Without `info` the copy is
 * never made.
 */
export interface SdkLogger {
  debug: (...content: unknown[]) => void;
  warn: (...content: unknown[]) => void;
  error: (...content: unknown[]) => void;
}

/** The SDK types its logger with a required `info`; it only ever calls it as `info?.()`. */
type ClientLogger = NonNullable<DynamoDBClientConfig['logger']>;

const silentLogger: SdkLogger = {
  debug: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function createAwsClients(config: AwsSettings, logger?: SdkLogger): AwsClients {
  const requestHandler = new NodeHttpHandler({
    connectionTimeout: config.AWS_CONNECT_TIMEOUT_MS,
    requestTimeout: config.AWS_REQUEST_TIMEOUT_MS,
    // Without this the SDK only warns when a request exceeds requestTimeout, and a dependency
    // that accepts connections but never answers would hang requests indefinitely.
    throwOnRequestTimeout: true,
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 50 }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 50 }),
  });
  const common = {
    region: config.AWS_REGION,
    requestHandler,
    // Two attempts: one retry for a transient blip, then fail fast (the client may retry).
    maxAttempts: 2,
    logger: (logger ?? silentLogger) as ClientLogger,
    ...(config.AWS_ENDPOINT_URL ? { endpoint: config.AWS_ENDPOINT_URL } : {}),
  };
  const dynamoBase = new DynamoDBClient(common);
  const dynamo = DynamoDBDocumentClient.from(dynamoBase, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const pathStyle = config.AWS_ENDPOINT_URL !== undefined;
  // Checksums only where S3 requires them: uploads then go out as one plain PUT with a known
  // length (TLS protects them on AWS), which every emulator accepts.
  const s3 = new S3Client({
    ...common,
    forcePathStyle: pathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const publicEndpoint = config.S3_PUBLIC_ENDPOINT ?? config.AWS_ENDPOINT_URL;
  const s3Public = new S3Client({
    region: config.AWS_REGION,
    forcePathStyle: pathStyle,
    ...(publicEndpoint ? { endpoint: publicEndpoint } : {}),
  });
  return {
    dynamoBase,
    dynamo,
    s3,
    s3Public,
    destroy() {
      dynamo.destroy();
      dynamoBase.destroy();
      s3.destroy();
      s3Public.destroy();
    },
  };
}
