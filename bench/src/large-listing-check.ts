// One full GET /users of a large table, for scripts/pod-equivalent-check.sh: writes the users
// straight to the emulator's table (batch writes), lists them once through the service, and
// exits 1 unless the answer is a complete JSON array of every user.
//   node src/large-listing-check.ts --dynamo <url> --region <r> --table <name> \
//     --object-url-base <url> --service <url> --users <n>
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { listAllUsers, seedUsersTable } from './lib/large-listing.ts';

const { values } = parseArgs({
  options: {
    dynamo: { type: 'string' },
    region: { type: 'string' },
    table: { type: 'string' },
    'object-url-base': { type: 'string' },
    service: { type: 'string' },
    users: { type: 'string', default: '100000' },
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
try {
  const seed = await seedUsersTable(dynamo, required('table'), users, required('object-url-base'));
  console.error(`large-listing: ${users} users written in ${seed.seconds.toFixed(1)} s`);
  const listing = await listAllUsers(required('service'));
  console.log(JSON.stringify({ written: users, ...listing }));
  const complete = listing.status === 200 && listing.users === users;
  if (!complete) {
    console.error(
      `large-listing: GET /users -> ${listing.status}, ${listing.users ?? 'no complete array'} users of ${users}${listing.error ? `: ${listing.error}` : ''}`,
    );
  }
  process.exitCode = complete ? 0 : 1;
} finally {
  dynamo.destroy();
}
