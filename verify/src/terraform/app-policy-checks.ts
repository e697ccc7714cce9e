// The app policy Terraform created: only the service's actions, only on its tables and bucket.
import { GetPolicyCommand, GetPolicyVersionCommand, type IAMClient } from '@aws-sdk/client-iam';
import type { Check } from './check-list.ts';

interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** IAM answers a policy document URL-encoded (RFC 3986), as AWS documents; JSON as it is, too. */
function parsePolicyDocument(document: string): { Statement: PolicyStatement[] } {
  try {
    return JSON.parse(document) as { Statement: PolicyStatement[] };
  } catch {
    return JSON.parse(decodeURIComponent(document)) as { Statement: PolicyStatement[] };
  }
}

/** Every statement allows explicit actions on the given tables and the bucket's avatars only. */
export async function checkAppPolicy(
  iam: IAMClient,
  policyArn: string,
  tableArns: Set<string>,
  bucket: string,
  check: Check,
): Promise<void> {
  const version = (await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }))).Policy
    ?.DefaultVersionId;
  const document =
    (await iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: version })))
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
}
