// One full GET /users of a large table, for src/pod-check.ts: writes the users
// straight to the emulator's table (batch writes), lists them once through the service, and
// exits 1 unless the answer is a complete JSON array of every user (those written here and those
// the table held before).
//   node src/large-listing-check.ts --dynamo <url> --region <r> --table <name> \
//     --object-url-base <url> --service <url> --users <n>
import { parseArgs } from 'node:util';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { listAllUsers, seedUsersTable } from './lib/large-listing.ts';

const { values } = parseArgs({
  options: {
    dynamo: { type: 'string' },
    region: { type: 'string' },
    table: { type: 'string' },
    'object-url-base': { type: 'string' },
    service: { type: 'string' },
    users: { type: 'string', default: '50000' },
  },
});
const required = (name: keyof typeof values): string => {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new Error(`--${name} is required`);
  return value;
};
const users = Number(required('users'));
const dynamo = new DynamoDBClient({
  region: required('region'),
  endpoint: required('dynamo'),
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
/** Items in the table now (a COUNT scan). */
async function countItems(table: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey: startKey }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

try {
  const before = await countItems(required('table'));
  const seed = await seedUsersTable(dynamo, required('table'), users, required('object-url-base'));
  console.error(`large-listing: ${users} users written in ${seed.seconds.toFixed(1)} s`);
  const expected = before + users;
  const listing = await listAllUsers(required('service'));
  console.log(JSON.stringify({ written: users, expected, ...listing }));
  const complete = listing.status === 200 && listing.users === expected;
  if (!complete) {
    console.error(
      `large-listing: GET /users -> ${listing.status}, ${listing.users ?? 'no complete array'} users of ${expected}${listing.error ? `: ${listing.error}` : ''}`,
    );
  }
  process.exitCode = complete ? 0 : 1;
} finally {
  dynamo.destroy();
}
