// The system under measurement, all on 127.0.0.1: moto (from the pinned PyPI venv) or LocalStack
// (the pinned image, for large tables), the tables and bucket of service/schema/dynamodb-tables.json,
// and the service started from service/dist.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
  waitUntilTableExists,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { freePort, start, stop, waitForHttp, type Started } from './proc.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const SERVICE_DIR = join(ROOT, 'service');
export const REPORTS = join(ROOT, 'reports');
mkdirSync(REPORTS, { recursive: true });

export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
export const API_KEY = 'bench-api-key-0123456789';

export interface Emulator {
  port: number;
  endpoint: string;
  process: Started;
  logFile: string;
}

function motoServerBin(): string {
  const bin = process.env.MOTO_BIN;
  if (!bin)
    throw new Error('MOTO_BIN must name the venv bin folder of moto[server] (make does this)');
  return join(bin, 'moto_server');
}

/** Starts moto_server on 127.0.0.1 (on the given port to come back where it was). */
export async function startEmulator(logFile: string, port?: number): Promise<Emulator> {
  const chosen = port ?? (await freePort());
  const started = start(motoServerBin(), ['-H', '127.0.0.1', '-p', String(chosen)], {
    logFile,
  });
  const endpoint = `http://127.0.0.1:${chosen}`;
  await waitForHttp(`${endpoint}/moto-api/`, { statuses: [200], process: started });
  return { port: chosen, endpoint, process: started, logFile };
}

export async function stopEmulator(emulator: Emulator): Promise<void> {
  await stop(emulator.process);
}

/** An emulator in a container: its loopback endpoint, and how to remove it. */
export interface ContainerEmulator {
  endpoint: string;
  /** Saves the container's log to its file and removes the container. */
  stop: () => Promise<void>;
}

/**
 * LocalStack ($LOCALSTACK_IMAGE, pinned in versions.env) with DynamoDB and S3, published on a
 * loopback port. Its DynamoDB is DynamoDB Local, which reads a scan page at the same cost wherever
 * it starts; moto reads the whole table for every page, so on moto a large table's listing times
 * the emulator, not the service.
 */
export async function startLocalStack(logFile: string): Promise<ContainerEmulator> {
  const image = process.env.LOCALSTACK_IMAGE;
  if (!image) throw new Error('LOCALSTACK_IMAGE must name the pinned LocalStack image');
  // DynamoDB and S3 only: the bench creates its tables and bucket with the SDK, not Terraform.
  const docker = (...args: string[]) =>
    execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const name = `sre-kit-bench-localstack-${process.pid}`;
  const services = ['-e', 'SERVICES=dynamodb,s3'];
  docker('run', '-d', '--rm', '--name', name, '-p', '127.0.0.1::4566', ...services, image);
  const remove = () => {
    try {
      writeFileSync(logFile, docker('logs', name));
    } catch {
      // The log is a convenience; removing the container is what matters.
    }
    try {
      docker('rm', '-f', name);
    } catch {
      // Already gone.
    }
  };
  try {
    const port = /:(\d+)$/m.exec(docker('port', name, '4566/tcp'))?.[1];
    if (!port) throw new Error(`docker port found no loopback port for ${name}`);
    const endpoint = `http://127.0.0.1:${port}`;
    await waitForHttp(`${endpoint}/_localstack/health`, { statuses: [200], timeoutMs: 120_000 });
    return {
      endpoint,
      stop: () => {
        remove();
        return Promise.resolve();
      },
    };
  } catch (err) {
    remove();
    throw err;
  }
}

export interface Resources {
  usersTable: string;
  stateTable: string;
  bucket: string;
  dynamo: DynamoDBClient;
  s3: S3Client;
}

interface KeyAttribute {
  name: string;
  type: 'S' | 'N' | 'B';
}
type TableSchema = { hash_key: KeyAttribute; range_key?: KeyAttribute };

export function awsClients(
  endpoint: string,
  region: string = REGION,
): { dynamo: DynamoDBClient; s3: S3Client } {
  const common = { region, endpoint, credentials: CREDENTIALS };
  return {
    dynamo: new DynamoDBClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
  };
}

/**
 * The tables and bucket, with the key schema Terraform and the tests use, in `region` (a pod
 * check provisions in the region of the chart's ConfigMap).
 */
export async function provision(
  endpoint: string,
  names?: Partial<Resources>,
  region: string = REGION,
): Promise<Resources> {
  const schemas = JSON.parse(
    readFileSync(join(SERVICE_DIR, 'schema/dynamodb-tables.json'), 'utf8'),
  ) as Record<'users' | 'state', TableSchema>;
  const { dynamo, s3 } = awsClients(endpoint, region);
  const resources: Resources = {
    usersTable: names?.usersTable ?? 'bench-users',
    stateTable: names?.stateTable ?? 'bench-state',
    bucket: names?.bucket ?? 'bench-avatars',
    dynamo,
    s3,
  };
  for (const [table, schema] of [
    [resources.usersTable, schemas.users],
    [resources.stateTable, schemas.state],
  ] as const) {
    const keys = [
      { key: schema.hash_key, role: 'HASH' as const },
      ...(schema.range_key ? [{ key: schema.range_key, role: 'RANGE' as const }] : []),
    ];
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: keys.map(({ key, role }) => ({ AttributeName: key.name, KeyType: role })),
        AttributeDefinitions: keys.map(({ key }) => ({
          AttributeName: key.name,
          AttributeType: key.type,
        })),
      }),
    );
    await waitUntilTableExists({ client: dynamo, maxWaitTime: 30 }, { TableName: table });
  }
  // us-east-1 is the one region whose buckets take no location constraint.
  await s3.send(
    new CreateBucketCommand({
      Bucket: resources.bucket,
      ...(region === 'us-east-1'
        ? {}
        : {
            CreateBucketConfiguration: {
              LocationConstraint: region as BucketLocationConstraint,
            },
          }),
    }),
  );
  return resources;
}

export interface Service {
  url: string;
  port: number;
  process: Started;
  logFile: string;
  env: NodeJS.ProcessEnv;
}

/** The arguments of package.json's "start" (`node <args>`): the image's CMD runs the same. */
function startArguments(): string[] {
  const pkg = JSON.parse(readFileSync(join(SERVICE_DIR, 'package.json'), 'utf8')) as {
    scripts?: { start?: string };
  };
  const [bin, ...args] = (pkg.scripts?.start ?? '').split(' ');
  if (bin !== 'node') throw new Error('service/package.json "start" must be `node <args>`');
  return args;
}

/** Starts the build on 127.0.0.1 as `npm start` runs it (`node --max-semi-space-size=… dist/main.js`). */
export async function startService(options: {
  emulator: Pick<Emulator, 'endpoint'>;
  resources: Pick<Resources, 'usersTable' | 'stateTable' | 'bucket'>;
  logFile: string;
  env?: Record<string, string>;
}): Promise<Service> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: options.emulator.endpoint,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    USERS_TABLE: options.resources.usersTable,
    STATE_TABLE: options.resources.stateTable,
    AVATARS_BUCKET: options.resources.bucket,
    API_KEY,
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const started = start(process.execPath, startArguments(), {
    cwd: SERVICE_DIR,
    env,
    logFile: options.logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, { statuses: [200], process: started });
  return { url, port, process: started, logFile: options.logFile, env };
}

/** Every user item against every avatar object: orphans (object, no item) and dangling items. */
export async function consistency(resources: Resources): Promise<{
  users: number;
  objects: number;
  orphanObjects: string[];
  danglingUsers: string[];
}> {
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await resources.dynamo.send(
      new ScanCommand({ TableName: resources.usersTable, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const objects = new Set<string>();
  let token: string | undefined;
  do {
    const page = await resources.s3.send(
      new ListObjectsV2Command({ Bucket: resources.bucket, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) if (object.Key) objects.add(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const referenced = new Set<string>();
  const danglingUsers: string[] = [];
  for (const item of items) {
    const key = item.avatar_key?.S;
    const email = item.email?.S ?? '?';
    if (!key || !objects.has(key)) danglingUsers.push(`${email} -> ${key ?? '(no avatar_key)'}`);
    if (key) referenced.add(key);
  }
  const orphanObjects = [...objects].filter((key) => !referenced.has(key));
  return { users: items.length, objects: objects.size, orphanObjects, danglingUsers };
}
