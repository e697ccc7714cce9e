// What moto's account still holds after destroy, of each kind Terraform creates.
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeNatGatewaysCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import {
  IAMClient,
  ListInstanceProfilesCommand,
  ListOpenIDConnectProvidersCommand,
  ListPoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { motoClientOptions } from './moto-client.ts';

/** What the account still holds of each kind Terraform creates; empty lists when destroy was clean. */
export async function leftovers(endpoint: string): Promise<Record<string, string[]>> {
  const options = motoClientOptions(endpoint, 'us-east-1');
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
