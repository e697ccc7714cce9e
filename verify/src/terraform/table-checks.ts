// The tables Terraform created against the service's schema file (key schema and attribute
// types), with on-demand billing, encryption at rest and point-in-time recovery.
import { readFileSync } from 'node:fs';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Check } from './check-list.ts';

interface KeyAttribute {
  name: string;
  type: string;
}
type TableSchemas = Record<string, { hash_key: KeyAttribute; range_key?: KeyAttribute }>;

/**
 * Checks every table of the schema file under its name in `env` (<NAME>_TABLE); returns the
 * tables' ARNs.
 */
export async function checkTables(
  ddb: DynamoDBClient,
  schemaFile: string,
  env: Record<string, string | undefined>,
  check: Check,
): Promise<Set<string>> {
  const schema = Object.fromEntries(
    Object.entries(JSON.parse(readFileSync(schemaFile, 'utf8')) as TableSchemas).filter(
      ([name]) => !name.startsWith('$'),
    ),
  );
  const tableArns = new Set<string>();
  for (const [name, keys] of Object.entries(schema)) {
    const tableName = env[`${name.toUpperCase()}_TABLE`];
    const table = (await ddb.send(new DescribeTableCommand({ TableName: tableName }))).Table ?? {};
    if (table.TableArn) tableArns.add(table.TableArn);
    const wantKeys = [{ AttributeName: keys.hash_key.name, KeyType: 'HASH' }];
    const wantAttrs: Record<string, string> = { [keys.hash_key.name]: keys.hash_key.type };
    if (keys.range_key) {
      wantKeys.push({ AttributeName: keys.range_key.name, KeyType: 'RANGE' });
      wantAttrs[keys.range_key.name] = keys.range_key.type;
    }
    const gotKeys = (table.KeySchema ?? []).map((k) => ({
      AttributeName: k.AttributeName,
      KeyType: k.KeyType,
    }));
    const gotAttrs = Object.fromEntries(
      (table.AttributeDefinitions ?? []).map((a) => [a.AttributeName ?? '', a.AttributeType]),
    );
    const sorted = (o: Record<string, unknown>) => JSON.stringify(Object.entries(o).sort());
    check(
      JSON.stringify(gotKeys) === JSON.stringify(wantKeys),
      `${tableName}: key schema ${JSON.stringify(gotKeys)} == schema file`,
    );
    check(
      sorted(gotAttrs) === sorted(wantAttrs),
      `${tableName}: attribute types ${JSON.stringify(gotAttrs)} == schema file`,
    );
    check(
      table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST',
      `${tableName}: on-demand billing`,
    );
    check(table.SSEDescription?.Status === 'ENABLED', `${tableName}: encryption at rest`);
    const backups = await ddb.send(new DescribeContinuousBackupsCommand({ TableName: tableName }));
    check(
      backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription
        ?.PointInTimeRecoveryStatus === 'ENABLED',
      `${tableName}: point-in-time recovery`,
    );
  }
  return tableArns;
}
