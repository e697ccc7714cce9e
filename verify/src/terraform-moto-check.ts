// `make tf-moto-test` (verify/checks/terraform-moto-check.sh): proves terraform/ end to end
// against moto server on a free loopback port.
//   1. apply the whole configuration (enable_ec2, enable_eks and the registry on);
//   2. `terraform plan -detailed-exitcode` must report no changes;
//   3. the created tables match service/schema/dynamodb-tables.json (DescribeTable), and the
//      bucket, tables and app policy carry their settings (src/terraform/created-resources.ts);
//   4. the service's integration tests run against these tables and bucket (`make test-integration`,
//      when the service provides that target);
//   5. destroy, then nothing is left: empty state and an empty moto account.
// Needs terraform, and MOTO_BIN: the bin folder of the pinned moto[server] venv. No network
// beyond loopback. KEEP_WORKDIR=1 keeps the state, logs and outputs in the printed work directory.
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, start, stop, waitForHttp, type Started } from './lib/proc.ts';
import { ROOT } from './lib/stack.ts';
import { checkCreated } from './terraform/created-resources.ts';
import { emptyVersionedBucket } from './terraform/empty-bucket.ts';
import { leftovers } from './terraform/leftovers.ts';
import { parseOutputs } from './terraform/outputs.ts';
import { useEmulatorCredentials } from './lib/emulator-env.ts';

const TF_DIR = join(ROOT, 'terraform');

class CheckFailed extends Error {}
const log = (message: string) => {
  console.error(`tf-moto: ${message}`);
};
function die(message: string): never {
  throw new CheckFailed(message);
}
function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} must be set (verify/checks/terraform-moto-check.sh does this)`);
  return value;
}
const startedAt = performance.now();
const elapsed = () => `${Math.round((performance.now() - startedAt) / 1000)}s`;
const step = (message: string) => {
  log(`--- ${message} (+${elapsed()})`);
};
const tail = (file: string, lines: number) =>
  readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
const firstLine = (file: string, pattern: RegExp) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .find((line) => pattern.test(line)) ?? '';

const motoBin = required('MOTO_BIN');
const kubernetesVersion = required('KUBERNETES_VERSION');
const work = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'sre-kit-tf-moto.'));

/** Runs terraform in terraform/ with its output in <work>/<name>.log; returns its exit status. */
function terraform(name: string, args: string[], options: SpawnSyncOptions = {}): number | null {
  const out = openSync(join(work, `${name}.log`), 'w');
  try {
    return spawnSync('terraform', [`-chdir=${TF_DIR}`, ...args], {
      ...options,
      stdio: ['ignore', out, out],
    }).status;
  } finally {
    closeSync(out);
  }
}
/** terraform whose output is shown only on failure. */
function terraformLogged(name: string, args: string[]): void {
  if (terraform(name, args) !== 0) {
    console.error(tail(join(work, `${name}.log`), 30));
    die(`terraform ${args[0]} failed (full log: ${join(work, `${name}.log`)})`);
  }
}

async function main(moto: { endpoint: string }): Promise<void> {
  const { endpoint } = moto;
  // Table names from the env contract, like `make tf-local`; the bucket keeps its default name
  // (<prefix>-avatars-<account id>) so that the account-id path is exercised too.
  const envExample = readFileSync(join(ROOT, '.env-example'), 'utf8');
  const envValue = (name: string) =>
    [...envExample.matchAll(new RegExp(`^${name}=(.*)$`, 'gm'))].at(-1)?.[1] ?? '';
  const tfvars = join(work, 'moto.tfvars.json');
  writeFileSync(
    tfvars,
    JSON.stringify(
      {
        aws_endpoint: endpoint,
        aws_region: 'us-east-1',
        users_table_name: envValue('USERS_TABLE'),
        state_table_name: envValue('STATE_TABLE'),
        enable_registry: true,
        enable_ec2: true,
        enable_eks: true,
        eks_kubernetes_version: kubernetesVersion
          .replace(/^v/, '')
          .split('.')
          .slice(0, 2)
          .join('.'),
        api_key_parameter_name: '/sre-kit/api-key',
        avatars_force_destroy: true,
        registry_force_delete: true,
      },
      null,
      2,
    ),
  );
  const vars = [`-var-file=${tfvars}`];

  // --- apply, then no drift ------------------------------------------------------------------------
  step(`terraform init (state in ${work})`);
  terraformLogged('init', [
    'init',
    '-no-color',
    '-input=false',
    '-lockfile=readonly',
    `-backend-config=path=${join(work, 'terraform.tfstate')}`,
  ]);

  step('terraform apply (enable_ec2, enable_eks, registry)');
  terraformLogged('apply', ['apply', '-no-color', '-auto-approve', ...vars]);
  log(firstLine(join(work, 'apply.log'), /^Apply complete/));

  step('terraform plan -detailed-exitcode (must be 0: no changes)');
  const plan = terraform('plan', ['plan', '-no-color', '-detailed-exitcode', ...vars]);
  const planLog = join(work, 'plan.log');
  if (plan === 0) {
    log('no changes after apply');
  } else if (plan === 2) {
    const changes = /^\s+[#~+-]|must be replaced|will be (updated|created|destroyed)/;
    console.error(
      readFileSync(planLog, 'utf8')
        .split('\n')
        .filter((l) => changes.test(l))
        .join('\n'),
    );
    die(`the plan after apply is not empty (drift; full plan: ${planLog})`);
  } else {
    console.error(tail(planLog, 40));
    die('terraform plan failed');
  }

  const outputsJson = execFileSync('terraform', [`-chdir=${TF_DIR}`, 'output', '-json'], {
    encoding: 'utf8',
  });
  writeFileSync(join(work, 'outputs.json'), outputsJson);
  const outputs = parseOutputs(outputsJson);

  // --- what was created matches the spec ----------------------------------------------------------
  step('checking the created resources (key schema drift, bucket, tables, app policy)');
  const failures = await checkCreated(
    endpoint,
    join(ROOT, 'service/schema/dynamodb-tables.json'),
    outputs,
  );
  if (failures.length > 0) die(`${failures.length} check(s) failed`);

  // --- the service's integration tests against what Terraform created -----------------------------
  // moto speaks plain HTTP, which the bucket's TLS-only rule (checked above) refuses: the
  // service's own requests need the emulator setting, which drops only that rule.
  step('terraform apply -var allow_plain_http=true (only the bucket policy changes)');
  vars.push('-var', 'allow_plain_http=true');
  terraformLogged('apply-plain-http', ['apply', '-no-color', '-auto-approve', ...vars]);
  log(firstLine(join(work, 'apply-plain-http.log'), /^Apply complete/));

  step('service integration tests');
  const { env } = outputs;
  if (spawnSync('make', ['-C', ROOT, '-n', 'test-integration'], { stdio: 'ignore' }).status === 0) {
    log(
      `make test-integration with USERS_TABLE=${env.USERS_TABLE} STATE_TABLE=${env.STATE_TABLE} AVATARS_BUCKET=${env.AVATARS_BUCKET} AWS_ENDPOINT_URL=${endpoint}`,
    );
    const tests = spawnSync('make', ['-C', ROOT, 'test-integration'], {
      stdio: 'inherit',
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: endpoint,
        AWS_REGION: env.AWS_REGION,
        USERS_TABLE: env.USERS_TABLE,
        STATE_TABLE: env.STATE_TABLE,
        AVATARS_BUCKET: env.AVATARS_BUCKET,
      },
    });
    if (tests.status !== 0)
      die("the service's integration tests failed against the Terraform-created resources");
  } else {
    log(
      "SKIPPED: service integration tests: the root Makefile has no 'test-integration' target yet",
    );
  }

  // --- destroy leaves nothing ---------------------------------------------------------------------
  // moto 5.2.5 cannot delete a key whose latest version is a delete marker (FakeDeleteMarker has
  // no dispose(): a 500), which the service's tests leave behind in the versioned bucket, and the
  // provider's force_destroy then retries for an hour. Emptying it version by version first
  // (versions, then delete markers) is what force_destroy does on AWS; moto handles that order.
  step('emptying the versioned bucket (works around a moto delete-marker bug)');
  const emptied = await emptyVersionedBucket(endpoint, env.AVATARS_BUCKET);
  console.log(
    `  removed ${emptied.versions} object versions and ${emptied.markers} delete markers from ${env.AVATARS_BUCKET}`,
  );

  step('terraform destroy');
  // Bounded: a resource that never finishes deleting fails the check instead of hanging CI.
  const destroyed = terraform('destroy', ['destroy', '-no-color', '-auto-approve', ...vars], {
    env: { ...process.env, TF_CLI_ARGS_destroy: '-lock-timeout=30s' },
    timeout: 900_000,
  });
  if (destroyed !== 0) {
    console.error(tail(join(work, 'destroy.log'), 30));
    die(
      `terraform destroy failed or took over 15 minutes (full log: ${join(work, 'destroy.log')})`,
    );
  }
  log(firstLine(join(work, 'destroy.log'), /^Destroy complete/));

  step('checking that nothing is left');
  const state = spawnSync('terraform', [`-chdir=${TF_DIR}`, 'state', 'list'], { encoding: 'utf8' });
  if (state.error) die(`terraform state list: ${state.error.message}`);
  const inState = state.stdout.trim();
  if (inState) die(`resources still in the state after destroy: ${inState}`);
  const found = await leftovers(endpoint);
  for (const [kind, names] of Object.entries(found))
    console.log(
      `  ${names.length > 0 ? 'FAIL' : 'ok  '}  ${kind}: ${names.length > 0 ? JSON.stringify(names) : 'none'}`,
    );
  const left = Object.fromEntries(Object.entries(found).filter(([, names]) => names.length > 0));
  if (Object.keys(left).length > 0) die(`destroy left resources behind: ${JSON.stringify(left)}`);

  log(`PASS: apply, no drift, schema and settings, destroy left nothing (${elapsed()})`);
}

useEmulatorCredentials({
  TF_DATA_DIR: join(work, 'tf-data'),
  TF_IN_AUTOMATION: '1',
  TF_INPUT: '0',
});

let ok = false;
let moto: Started | undefined;
try {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  step(`starting moto ${process.env.MOTO_VERSION ?? ''} on ${endpoint}`);
  // AWS managed policies (AmazonEKSClusterPolicy, AmazonSSMManagedInstanceCore...) exist in every
  // real account; moto loads them only when asked.
  const motoLog = join(work, 'moto.log');
  moto = start(join(motoBin, 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    logFile: motoLog,
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  try {
    await waitForHttp(`${endpoint}/moto-api/`, { statuses: [200], timeoutMs: 60_000 });
  } catch {
    if (moto.child.exitCode !== null) die(`moto server exited: ${tail(motoLog, 5)}`);
    die(`moto server did not answer on ${endpoint} within 60 s`);
  }
  await main({ endpoint });
  ok = true;
} catch (err) {
  log(`FAIL: ${err instanceof CheckFailed ? err.message : (err as Error).stack}`);
  process.exitCode = 1;
} finally {
  if (moto) await stop(moto);
  if (!ok || process.env.KEEP_WORKDIR === '1')
    log(`work directory kept: ${work} (moto.log, *.log, outputs.json, terraform.tfstate)`);
  else rmSync(work, { recursive: true, force: true });
}
