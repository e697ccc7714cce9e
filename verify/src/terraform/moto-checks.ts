// What src/terraform-moto-check.ts asserts about moto's account, read with the AWS SDK: the
// resources Terraform created against the service's schema file and the settings, the
// emptying of the versioned bucket before destroy, and what is left after destroy.
import { readFileSync } from 'node:fs';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListInstanceProfilesCommand,
  ListOpenIDConnectProvidersCommand,
  ListPoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeNatGatewaysCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';

/** The settings of the `env` output that the checks and the service's tests read. */
const SERVICE_ENV = ['AWS_REGION', 'USERS_TABLE', 'STATE_TABLE', 'AVATARS_BUCKET'] as const;

/** The values of `terraform output -json`. */
export interface Outputs {
  env: Record<(typeof SERVICE_ENV)[number], string> & Record<string, string | undefined>;
  aws_region: string;
  app_policy_arn: string;
  [name: string]: unknown;
}

/** Reads `terraform output -json`; throws when an output the checks read is missing. */
export function parseOutputs(json: string): Outputs {
  const values = Object.fromEntries(
    Object.entries(JSON.parse(json) as Record<string, { value: unknown }>).map(([name, output]) => [
      name,
      output.value,
    ]),
  );
  const env = values.env;
  if (typeof env !== 'object' || env === null) throw new Error('terraform output has no env');
  for (const name of SERVICE_ENV)
    if (typeof (env as Record<string, unknown>)[name] !== 'string')
      throw new Error(`terraform output env has no ${name}`);
  for (const name of ['aws_region', 'app_policy_arn'])
    if (typeof values[name] !== 'string') throw new Error(`terraform output has no ${name}`);
  return values as Outputs;
}

interface KeyAttribute {
  name: string;
  type: string;
}
type TableSchemas = Record<string, { hash_key: KeyAttribute; range_key?: KeyAttribute }>;

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: { Bool?: Record<string, string> };
}

function clientOptions(endpoint: string, region: string) {
  return { endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
}
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * Prints one line per check, "  ok    ..." or "  FAIL  ...", and returns the failed ones: the
 * tables' key schema against the schema file, the bucket, table and app policy settings.
 */
export async function checkCreated(
  endpoint: string,
  schemaFile: string,
  outputs: Outputs,
): Promise<string[]> {
  const options = clientOptions(endpoint, outputs.aws_region);
  const ddb = new DynamoDBClient(options);
  const s3 = new S3Client({ ...options, forcePathStyle: true });
  const iam = new IAMClient(options);
  const env = outputs.env;
  const failures: string[] = [];
  const check = (ok: boolean, message: string) => {
    console.log(`${ok ? '  ok    ' : '  FAIL  '}${message}`);
    if (!ok) failures.push(message);
  };
  try {
    // Key schema: the tables Terraform created against the service's schema file.
    const schema = Object.fromEntries(
      Object.entries(JSON.parse(readFileSync(schemaFile, 'utf8')) as TableSchemas).filter(
        ([name]) => !name.startsWith('$'),
      ),
    );
    const tableArns = new Set<string>();
    for (const [name, keys] of Object.entries(schema)) {
      const tableName = env[`${name.toUpperCase()}_TABLE`];
      const table =
        (await ddb.send(new DescribeTableCommand({ TableName: tableName }))).Table ?? {};
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
      const backups = await ddb.send(
        new DescribeContinuousBackupsCommand({ TableName: tableName }),
      );
      check(
        backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription
          ?.PointInTimeRecoveryStatus === 'ENABLED',
        `${tableName}: point-in-time recovery`,
      );
    }

    const bucket = env.AVATARS_BUCKET;
    const pab =
      (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })))
        .PublicAccessBlockConfiguration ?? {};
    check(
      [
        pab.BlockPublicAcls,
        pab.IgnorePublicAcls,
        pab.BlockPublicPolicy,
        pab.RestrictPublicBuckets,
      ].every((setting) => setting === true),
      `${bucket}: all public access blocked ${JSON.stringify(pab)}`,
    );
    const sse = (await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })))
      .ServerSideEncryptionConfiguration?.Rules?.[0];
    check(
      sse?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm === 'AES256',
      `${bucket}: server-side encryption`,
    );
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    check(versioning.Status === 'Enabled', `${bucket}: versioning`);
    const ownership = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    check(
      ownership.OwnershipControls?.Rules?.[0]?.ObjectOwnership === 'BucketOwnerEnforced',
      `${bucket}: object ownership enforced`,
    );
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    check(
      (lifecycle.Rules ?? []).some((rule) => rule.NoncurrentVersionExpiration !== undefined),
      `${bucket}: noncurrent version expiry`,
    );
    const policy = JSON.parse(
      (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? '{}',
    ) as { Statement: PolicyStatement[] };
    const tls = policy.Statement.filter(
      (s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
    );
    check(tls.length === 1, `${bucket}: TLS-only bucket policy`);
    check(
      !policy.Statement.some((s) => s.Effect === 'Allow'),
      `${bucket}: no public statement (public_avatars off)`,
    );

    // The app policy: only the service's actions, only on its tables and bucket.
    const arn = outputs.app_policy_arn;
    const version = (await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy
      ?.DefaultVersionId;
    const document =
      (await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: version })))
        .PolicyVersion?.Document ?? '{}';
    const doc = parsePolicyDocument(document);
    const bucketArns = [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/avatars/*`];
    for (const statement of doc.Statement) {
      const resources = list(statement.Resource);
      const actions = list(statement.Action);
      check(
        statement.Effect === 'Allow' && !actions.some((a) => a.includes('*')),
        `app policy ${statement.Sid}: explicit actions ${JSON.stringify([...actions].sort())}`,
      );
      check(
        resources.every((r) => tableArns.has(r) || bucketArns.includes(r)),
        `app policy ${statement.Sid}: resources ${JSON.stringify(resources)}`,
      );
    }
  } finally {
    ddb.destroy();
    s3.destroy();
    iam.destroy();
  }
  return failures;
}

/** IAM answers a policy document URL-encoded (RFC 3986), as AWS documents; JSON as it is, too. */
function parsePolicyDocument(document: string): { Statement: PolicyStatement[] } {
  try {
    return JSON.parse(document) as { Statement: PolicyStatement[] };
  } catch {
    return JSON.parse(decodeURIComponent(document)) as { Statement: PolicyStatement[] };
  }
}

/** Deletes every object version, then every delete marker, of the bucket; returns how many. */
export async function emptyVersionedBucket(
  endpoint: string,
  bucket: string,
): Promise<{ versions: number; markers: number }> {
  const s3 = new S3Client({ ...clientOptions(endpoint, 'us-east-1'), forcePathStyle: true });
  try {
    const versions: { Key?: string; VersionId?: string }[] = [];
    const markers: { Key?: string; VersionId?: string }[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (;;) {
      const page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
      versions.push(...(page.Versions ?? []));
      markers.push(...(page.DeleteMarkers ?? []));
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
    }
    for (const { Key, VersionId } of [...versions, ...markers])
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key, VersionId }));
    return { versions: versions.length, markers: markers.length };
  } finally {
    s3.destroy();
  }
}

/** What the account still holds of each kind Terraform creates; empty lists when destroy was clean. */
export async function leftovers(endpoint: string): Promise<Record<string, string[]>> {
  const options = clientOptions(endpoint, 'us-east-1');
  const ec2 = new EC2Client(options);
  const kms = new KMSClient(options);
  const iam = new IAMClient(options);
  const ddb = new DynamoDBClient(options);
  const s3 = new S3Client({ ...options, forcePathStyle: true });
  const ecr = new ECRClient(options);
  const eks = new EKSClient(options);
  const logs = new CloudWatchLogsClient(options);
  try {
    const aliases = (await kms.send(new ListAliasesCommand({}))).Aliases ?? [];
    // Service default keys (alias/aws/dynamodb, alias/aws/ebs) are made by the services
    // themselves and stay, as on AWS (moto marks them CUSTOMER-managed; the alias tells them apart).
    const serviceKeys = new Set(
      aliases.filter((a) => a.AliasName?.startsWith('alias/aws/')).map((a) => a.TargetKeyId),
    );
    const keys = await Promise.all(
      ((await kms.send(new ListKeysCommand({}))).Keys ?? []).map(
        async (k) =>
          (await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata ??
          ({} as KeyMetadata),
      ),
    );
    const liveKeys = keys
      .filter(
        (k) =>
          k.KeyManager === 'CUSTOMER' &&
          !serviceKeys.has(k.KeyId) &&
          k.KeyState !== 'PendingDeletion',
      )
      .map((k) => `${k.KeyId} (${k.Description ?? ''})`);
    const names = <T>(items: T[] | undefined, name: (item: T) => string | undefined) =>
      (items ?? []).map(name).map(String);
    return {
      'dynamodb tables': (await ddb.send(new ListTablesCommand({}))).TableNames ?? [],
      's3 buckets': names((await s3.send(new ListBucketsCommand({}))).Buckets, (b) => b.Name),
      'iam roles': names((await iam.send(new ListRolesCommand({}))).Roles, (r) => r.RoleName),
      'iam local policies': names(
        (await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies,
        (p) => p.PolicyName,
      ),
      'iam instance profiles': names(
        (await iam.send(new ListInstanceProfilesCommand({}))).InstanceProfiles,
        (p) => p.InstanceProfileName,
      ),
      'iam oidc providers': names(
        (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList,
        (p) => p.Arn,
      ),
      'ecr repositories': names(
        (await ecr.send(new DescribeRepositoriesCommand({}))).repositories,
        (r) => r.repositoryName,
      ),
      'eks clusters': (await eks.send(new ListClustersCommand({}))).clusters ?? [],
      'log groups': names(
        (await logs.send(new DescribeLogGroupsCommand({}))).logGroups,
        (g) => g.logGroupName,
      ),
      'customer kms keys not pending deletion': liveKeys,
      'kms aliases': names(
        aliases.filter((a) => !a.AliasName?.startsWith('alias/aws/')),
        (a) => a.AliasName,
      ),
      'vpcs (non-default)': names(
        (await ec2.send(new DescribeVpcsCommand({}))).Vpcs?.filter((v) => !v.IsDefault),
        (v) => v.VpcId,
      ),
      'instances (not terminated)': names(
        (await ec2.send(new DescribeInstancesCommand({}))).Reservations?.flatMap(
          (r) => r.Instances ?? [],
        ).filter((i) => i.State?.Name !== 'terminated'),
        (i) => i.InstanceId,
      ),
      'elastic ips': names(
        (await ec2.send(new DescribeAddressesCommand({}))).Addresses,
        (a) => a.AllocationId,
      ),
      'nat gateways (not deleted)': names(
        (await ec2.send(new DescribeNatGatewaysCommand({}))).NatGateways?.filter(
          (n) => n.State !== 'deleted' && n.State !== 'deleting',
        ),
        (n) => n.NatGatewayId,
      ),
      'launch templates': names(
        (await ec2.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates,
        (t) => t.LaunchTemplateName,
      ),
    };
  } finally {
    for (const client of [ec2, kms, iam, ddb, s3, ecr, eks, logs]) client.destroy();
  }
}
