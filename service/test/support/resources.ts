// The tables and bucket of a test run. Created from service/schema/dynamodb-tables.json (the
// key schema Terraform declares too), with unique names so runs never share data; or, when
// USERS_TABLE, STATE_TABLE and AVATARS_BUCKET are set (e.g. created by Terraform), those are
// used as they are after their key schema is checked against the same file.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  waitUntilTableExists,
  type KeySchemaElement,
  type AttributeDefinition,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.ts';
import { emulator, type Emulator } from './emulator.ts';

interface KeyAttribute {
  name: string;
  type: 'S' | 'N' | 'B';
}
interface TableSchema {
  hash_key: KeyAttribute;
  range_key?: KeyAttribute;
}
export type TableSchemas = Record<'users' | 'state', TableSchema>;

export function tableSchemas(): TableSchemas {
  const file = new URL('../../schema/dynamodb-tables.json', import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')) as TableSchemas;
}

export function keySchemaOf(schema: TableSchema): {
  KeySchema: KeySchemaElement[];
  AttributeDefinitions: AttributeDefinition[];
} {
  const keys = [
    { key: schema.hash_key, role: 'HASH' as const },
    ...(schema.range_key ? [{ key: schema.range_key, role: 'RANGE' as const }] : []),
  ];
  return {
    KeySchema: keys.map(({ key, role }) => ({ AttributeName: key.name, KeyType: role })),
    AttributeDefinitions: keys.map(({ key }) => ({
      AttributeName: key.name,
      AttributeType: key.type,
    })),
  };
}

export interface TestResources {
  emulator: Emulator;
  region: string;
  usersTable: string;
  stateTable: string;
  bucket: string;
  clients: AwsClients;
  /** Deletes what this run created (nothing when the resources were given). */
  dispose(): Promise<void>;
}

async function assertKeySchema(db: DynamoDBClient, table: string, schema: TableSchema) {
  const { Table } = await db.send(new DescribeTableCommand({ TableName: table }));
  const want = keySchemaOf(schema);
  // Attribute definitions come back in any order; the key schema's order (HASH, RANGE) matters.
  const byName = (a: AttributeDefinition, b: AttributeDefinition) =>
    String(a.AttributeName).localeCompare(String(b.AttributeName));
  want.AttributeDefinitions.sort(byName);
  const got = {
    KeySchema: Table?.KeySchema,
    AttributeDefinitions: Table?.AttributeDefinitions?.filter((definition) =>
      want.KeySchema.some((key) => key.AttributeName === definition.AttributeName),
    ).sort(byName),
  };
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(
      `table ${table} does not have the key schema of schema/dynamodb-tables.json: ${JSON.stringify(got)}`,
    );
  }
}

export async function emptyBucket(s3: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (listed.Contents ?? []).flatMap((object) =>
      object.Key ? [{ Key: object.Key }] : [],
    );
    if (keys.length === 0) return;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }));
  }
}

/** AWS SDK timeouts of the tests' clients: generous, an emulator under parallel load is slow. */
export const TEST_AWS_TIMEOUTS = { AWS_CONNECT_TIMEOUT_MS: 2000, AWS_REQUEST_TIMEOUT_MS: 15000 };

export async function createTestResources(): Promise<TestResources> {
  const emu = await emulator();
  const region = emu.region;
  const clients = createAwsClients({
    AWS_REGION: region,
    AWS_ENDPOINT_URL: emu.endpoint,
    S3_PUBLIC_ENDPOINT: undefined,
    ...TEST_AWS_TIMEOUTS,
  });
  const schemas = tableSchemas();
  const given = {
    users: process.env.USERS_TABLE,
    state: process.env.STATE_TABLE,
    bucket: process.env.AVATARS_BUCKET,
  };
  if (given.users && given.state && given.bucket) {
    await assertKeySchema(clients.dynamoBase, given.users, schemas.users);
    await assertKeySchema(clients.dynamoBase, given.state, schemas.state);
    return {
      emulator: emu,
      region,
      usersTable: given.users,
      stateTable: given.state,
      bucket: given.bucket,
      clients,
      dispose: () => {
        clients.destroy();
        return Promise.resolve();
      },
    };
  }

  const suffix = randomBytes(4).toString('hex');
  const usersTable = `test-users-${suffix}`;
  const stateTable = `test-state-${suffix}`;
  const bucket = `test-avatars-${suffix}`;
  const db = clients.dynamoBase;
  for (const [name, schema] of [
    [usersTable, schemas.users],
    [stateTable, schemas.state],
  ] as const) {
    await db.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        ...keySchemaOf(schema),
      }),
    );
    await waitUntilTableExists({ client: db, maxWaitTime: 60 }, { TableName: name });
  }
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    emulator: emu,
    region,
    usersTable,
    stateTable,
    bucket,
    clients,
    async dispose() {
      await emptyBucket(clients.s3, bucket).catch(() => undefined);
      await clients.s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
      for (const name of [usersTable, stateTable]) {
        await db.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
      }
      clients.destroy();
    },
  };
}
