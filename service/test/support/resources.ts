// The tables and bucket of a test run, with AWS clients for them: the ones Terraform made on the
// run's emulator, or the ones named by USERS_TABLE, STATE_TABLE and AVATARS_BUCKET (see
// emulator.ts). Their key schema is checked against service/schema/dynamodb-tables.json first.
import { readFileSync } from 'node:fs';
import {
  DescribeTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  type AttributeDefinition,
} from '@aws-sdk/client-dynamodb';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.ts';
import { emulator, provisionedResources, type Emulator } from './emulator.ts';

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
  /** Releases the clients; the tables and bucket live as long as the run's emulator. */
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

/** AWS SDK timeouts of the tests' clients: generous, an emulator under parallel load is slow. */
export const TEST_AWS_TIMEOUTS = { AWS_CONNECT_TIMEOUT_MS: 2000, AWS_REQUEST_TIMEOUT_MS: 15000 };

export async function createTestResources(): Promise<TestResources> {
  const emu = await emulator();
  const names = await provisionedResources();
  const clients = createAwsClients({
    AWS_REGION: emu.region,
    AWS_ENDPOINT_URL: emu.endpoint,
    S3_PUBLIC_ENDPOINT: undefined,
    ...TEST_AWS_TIMEOUTS,
  });
  const schemas = tableSchemas();
  await assertKeySchema(clients.dynamoBase, names.usersTable, schemas.users);
  await assertKeySchema(clients.dynamoBase, names.stateTable, schemas.state);
  return {
    emulator: emu,
    region: emu.region,
    ...names,
    clients,
    dispose: () => {
      clients.destroy();
      return Promise.resolve();
    },
  };
}
