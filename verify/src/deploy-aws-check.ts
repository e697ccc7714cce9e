// `make deploy-aws-check` (verify/checks/deploy-aws-check.sh): runs the real `make deploy-aws`
// script (terraform/scripts/aws.sh) end to end against stand-ins, on free loopback ports:
//   - moto server answers every AWS API call (DEPLOY_AWS_TEST_ENDPOINT), EC2 and ECR included;
//   - the distribution project's registry stores the pushed image, behind a proxy that tells
//     moto's ECR about each pushed tag as ECR does (src/deploy-aws/ecr-facade.ts;
//     DEPLOY_AWS_TEST_REGISTRY points docker login and push at it);
//   - moto's EC2 host runs nothing, so the check runs the host's own systemd unit command, taken
//     from the user data the instance received, with the pushed image, on a free port, and the
//     script's wait polls it (DEPLOY_AWS_TEST_STATUS_URL).
// It proves: the order of the steps, the tag (the commit of service/, never latest), the rendered
// user data passes shellcheck, the host's unit serves /status; the user data of the other route
// (a public image, no ECR login, the API key from SSM) renders and passes shellcheck; a rerun
// applies and pushes nothing;
// a host that never answers ends in the diagnosis report; destroy deletes the images and leaves
// an empty state and an empty moto account.
// Needs terraform, docker, shellcheck, and MOTO_BIN, AWSCLI_BIN (bins of the pinned venvs) and
// REGISTRY_BIN. KEEP_WORKDIR=1 keeps the logs in the printed work directory.
// The steps are modules of src/deploy-aws/; this file starts the stand-ins and runs the steps.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { freePort, stop, type Started } from './lib/proc.ts';
import { ROOT } from './lib/stack.ts';
import { useEmulatorCredentials } from './lib/emulator-env.ts';
import { deployEnv, type DeployCheck } from './deploy-aws/context.ts';
import { destroyLeavesNothing } from './deploy-aws/destroy.ts';
import { startEcrFacade, type EcrFacade } from './deploy-aws/ecr-facade.ts';
import { firstDeploy } from './deploy-aws/first-deploy.ts';
import { removeHost, type PlayedHost } from './deploy-aws/play-host.ts';
import { publicImageUserData } from './deploy-aws/public-image.ts';
import { CheckFailed, elapsed, fail, failedExpectations, log } from './deploy-aws/report.ts';
import { rerunWithoutChanges } from './deploy-aws/rerun.ts';
import { scriptRunner } from './deploy-aws/run-script.ts';
import { startStandIns } from './deploy-aws/stand-ins.ts';
import { hostThatNeverAnswers } from './deploy-aws/timeout-report.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (verify/checks/deploy-aws-check.sh does this)`);
  return value;
}

const motoBin = required('MOTO_BIN');
const awscliBin = required('AWSCLI_BIN');
const registryBin = required('REGISTRY_BIN');
const work = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'sre-kit-deploy-aws.'));
const AWS_SH = join(ROOT, 'terraform/scripts/aws.sh');
const suffix = `${process.pid}-${Date.now().toString(36)}`;

async function main(endpoint: string, facade: EcrFacade, ecr: ECRClient, ec2: EC2Client) {
  const env = deployEnv({
    work,
    endpoint,
    registry: `127.0.0.1:${facade.port}`,
    appPort: await freePort(),
    awscliBin,
  });
  mkdirSync(join(work, 'docker-config'), { recursive: true });
  const check: DeployCheck = {
    work,
    endpoint,
    env,
    facade,
    ecr,
    ec2,
    run: scriptRunner(AWS_SH, work),
  };
  const host: PlayedHost = { containerName: `sre-kit-deploy-check-${suffix}`, images: new Set() };
  try {
    // 1. the first deploy: plan, build, apply, push, wait
    const tag = await firstDeploy(check, host);
    // the other route: a public image, and an API key from SSM
    publicImageUserData(check, tag);
    // 2. a rerun with no change: nothing applied, nothing pushed
    await rerunWithoutChanges(check);
    // 3. a host that never answers: the report
    await hostThatNeverAnswers(check);
    // 4. destroy: images deleted, nothing left
    await destroyLeavesNothing(check, tag);
  } finally {
    await removeHost(check, host);
  }
  const failures = failedExpectations();
  if (failures > 0) fail(`${failures} check(s) failed`);
  log(`PASS: deploy, rerun without changes, timeout report, destroy left nothing (${elapsed()})`);
}

useEmulatorCredentials({
  AWS_CONFIG_FILE: join(work, 'aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(work, 'aws-credentials'),
});

let ok = false;
const started: Started[] = [];
let facade: EcrFacade | undefined;
try {
  const { endpoint, registryPort } = await startStandIns({ work, motoBin, registryBin }, started);
  const clientOptions = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const ecr = new ECRClient(clientOptions);
  facade = await startEcrFacade({ registryPort, ecr, port: await freePort() });
  await main(endpoint, facade, ecr, new EC2Client(clientOptions));
  ok = true;
} catch (err) {
  log(`FAIL: ${err instanceof CheckFailed ? err.message : (err as Error).stack}`);
  process.exitCode = 1;
} finally {
  await facade?.close();
  for (const s of started.reverse()) await stop(s);
  if (!ok || process.env.KEEP_WORKDIR === '1')
    log(
      `work directory kept: ${work} (deploy-*.log, destroy.log, moto.log, registry.log, user-data.sh)`,
    );
  else rmSync(work, { recursive: true, force: true });
}
