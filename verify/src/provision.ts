// Creates the service's tables (key schema from service/schema/dynamodb-tables.json) and avatars
// bucket on an emulator, with the function every harness uses:
//   node src/provision.ts ENDPOINT USERS_TABLE STATE_TABLE AVATARS_BUCKET
// For checks that need throwaway resources fast; the product's own Terraform
// (scripts/provision-local.sh) is what `make up` and the test suite apply.
import { provision } from './lib/stack.ts';

const [endpoint, usersTable, stateTable, bucket] = process.argv.slice(2);
if (!endpoint || !usersTable || !stateTable || !bucket) {
  console.error('usage: provision.ts ENDPOINT USERS_TABLE STATE_TABLE AVATARS_BUCKET');
  process.exit(2);
}
const resources = await provision(endpoint, { usersTable, stateTable, bucket });
resources.dynamo.destroy();
resources.s3.destroy();
console.log(`provision: tables ${usersTable}, ${stateTable} and bucket ${bucket} on ${endpoint}`);
