// The avatars bucket as Terraform created it: all public access blocked, server-side encryption,
// versioning, object ownership enforced, noncurrent version expiry, and a TLS-only policy with no
// public statement (public_avatars off).
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Check } from './check-list.ts';

interface BucketPolicyStatement {
  Effect: string;
  Condition?: { Bool?: Record<string, string> };
}

export async function checkBucket(s3: S3Client, bucket: string, check: Check): Promise<void> {
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
  ) as { Statement: BucketPolicyStatement[] };
  const tls = policy.Statement.filter(
    (s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
  );
  check(tls.length === 1, `${bucket}: TLS-only bucket policy`);
  check(
    !policy.Statement.some((s) => s.Effect === 'Allow'),
    `${bucket}: no public statement (public_avatars off)`,
  );
}
