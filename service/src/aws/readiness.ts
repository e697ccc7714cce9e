// Readiness of the AWS dependencies: both tables ACTIVE and the bucket reachable. Results are
// cached briefly so that probes from many kubelets or load balancers cost one round of calls.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';

export type CheckResult = { ok: true } | { ok: false; reason: string };
export type DependencyReport = Record<string, CheckResult>;

export interface DependencyChecker {
  check(): Promise<DependencyReport>;
}

const describe = (err: unknown): string => {
  if (err instanceof Error)
    return err.name === 'Error' ? err.message : `${err.name}: ${err.message}`;
  return String(err);
};

async function probe(run: () => Promise<void>): Promise<CheckResult> {
  try {
    await run();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: describe(err) };
  }
}

export function awsDependencyChecker(options: {
  dynamo: DynamoDBClient;
  s3: S3Client;
  usersTable: string;
  stateTable: string;
  bucket: string;
}): DependencyChecker {
  const table = (name: string) => async () => {
    const { Table } = await options.dynamo.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus !== 'ACTIVE')
      throw new Error(`table is ${Table?.TableStatus ?? 'unknown'}`);
  };
  return {
    async check() {
      const [usersTable, stateTable, bucket] = await Promise.all([
        probe(table(options.usersTable)),
        probe(table(options.stateTable)),
        probe(async () => {
          await options.s3.send(new HeadBucketCommand({ Bucket: options.bucket }));
        }),
      ]);
      return { users_table: usersTable, state_table: stateTable, avatars_bucket: bucket };
    },
  };
}

/** Wraps a checker so results are reused for ttlMs and concurrent callers share one check. */
export function cachedChecker(
  inner: DependencyChecker,
  ttlMs: number,
  now: () => number = Date.now,
): DependencyChecker {
  let cached: { at: number; report: DependencyReport } | undefined;
  let pending: Promise<DependencyReport> | undefined;
  return {
    check() {
      if (cached && now() - cached.at < ttlMs) return Promise.resolve(cached.report);
      pending ??= inner
        .check()
        .then((report) => {
          cached = { at: now(), report };
          return report;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
  };
}
