// What src/terraform-moto-check.ts asserts about the resources Terraform created in moto's
// account, read with the AWS SDK: the tables against the service's schema file, and the settings
// of the bucket, the tables and the app policy.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { checkAppPolicy } from './app-policy-checks.ts';
import { checkBucket } from './bucket-checks.ts';
import { checkList } from './check-list.ts';
import { motoClientOptions } from './moto-client.ts';
import type { Outputs } from './outputs.ts';
import { checkTables } from './table-checks.ts';

/**
 * Prints one line per check, "  ok    ..." or "  FAIL  ...", and returns the failed ones: the
 * tables' key schema against the schema file, the bucket, table and app policy settings.
 */
export async function checkCreated(
  endpoint: string,
  schemaFile: string,
  outputs: Outputs,
): Promise<string[]> {
  const options = motoClientOptions(endpoint, outputs.aws_region);
  const ddb = new DynamoDBClient(options);
  const s3 = new S3Client({ ...options, forcePathStyle: true });
  const iam = new IAMClient(options);
  const { check, failures } = checkList();
  try {
    const tableArns = await checkTables(ddb, schemaFile, outputs.env, check);
    await checkBucket(s3, outputs.env.AVATARS_BUCKET, check);
    await checkAppPolicy(iam, outputs.app_policy_arn, tableArns, outputs.env.AVATARS_BUCKET, check);
  } finally {
    ddb.destroy();
    s3.destroy();
    iam.destroy();
  }
  return failures;
}
