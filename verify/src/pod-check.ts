// `make chart-pod-check` (verify/checks/pod-equivalent-check.sh): runs the service image exactly
// as the chart's Deployment runs it on kind, but under plain Docker, and probes it the way the
// kubelet does.
//   HELM=... MOTO_IMAGE=... KUBERNETES_VERSION=... node src/pod-check.ts sre-kit-api:0.1.0
//
// 1. Renders the chart with values-kind.yaml and the given image (helm template) and reads the
//    pod from it (src/pod/render.ts, src/chart/rendered-pod.ts).
// 2. Starts the emulator (MOTO_IMAGE) on a private Docker network under the host name that
//    AWS_ENDPOINT_URL names, and creates the tables (service/schema/dynamodb-tables.json) and the
//    bucket with the names of the ConfigMap through its published loopback port, with the same
//    provision() as every other harness (src/pod/emulator.ts).
// 3. Runs the image with those settings (src/pod/app-container.ts) and checks, like the kubelet
//    (success = HTTP 200-399 within timeoutSeconds, src/pod/probes.ts): the startup probe passes
//    within periodSeconds x failureThreshold; liveness passes; readiness passes with the emulator
//    up; GET /status is exactly {"result":"success"} (the helm test, src/pod/helm-test-pod.ts);
//    20 concurrent uploads of the largest avatar are each created or refused with 503
//    upload_capacity and the container is not OOM-killed (its /tmp tmpfs counts in its memory
//    limit, src/pod/upload-capacity.ts); with the emulator stopped, readiness fails (503) while
//    liveness still passes (an AWS outage must not restart pods); readiness recovers when the
//    emulator is back; SIGTERM stops the container by itself within terminationGracePeriodSeconds
//    (src/pod/lifecycle.ts).
//    Before the outage, GET /users of a large table (POD_CHECK_LISTING_USERS, default 20,000,
//    written by src/large-listing-check.ts, src/pod/large-listing.ts) answers every user and the
//    container is not OOM-killed. 20,000 users is the size at which a listing that held the table
//    in memory was OOM-killed under the pod's 512Mi; make bench lists 100,000 on LocalStack. moto
//    reads the whole table for every scan page, so here a listing's time grows with the square of
//    the table's size (100,000 users took over 80 s, 50,000 over 30 s).
// Everything it starts is removed on exit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib/stack.ts';
import { runApp } from './pod/app-container.ts';
import { docker, removeAll } from './pod/docker.ts';
import { startEmulator } from './pod/emulator.ts';
import { checkHelmTestPod } from './pod/helm-test-pod.ts';
import { checkLargeListing } from './pod/large-listing.ts';
import { checkEmulatorOutage, checkGracefulStop } from './pod/lifecycle.ts';
import { probeOnce, probeUntil, type ProbedApp } from './pod/probes.ts';
import { renderPod } from './pod/render.ts';
import { CheckFailed, fail, log } from './pod/report.ts';
import { checkUploadCapacity } from './pod/upload-capacity.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} must be set (verify/checks/pod-equivalent-check.sh does this)`);
  return value;
}

const image = process.argv[2] ?? fail('usage: node src/pod-check.ts <image:tag>');
const helm = required('HELM');
const motoImage = required('MOTO_IMAGE');
const kubernetesVersion = required('KUBERNETES_VERSION');
const runId = `sre-kit-podcheck-${process.pid}`;
const network = runId;
const emulator = { name: `${runId}-emulator`, network, motoImage };
const appName = `${runId}-app`;
const work = mkdtempSync(join(tmpdir(), 'sre-kit-podcheck-'));

let cleaned = false;
function cleanup(): void {
  if (cleaned) return;
  cleaned = true;
  removeAll([appName, emulator.name], network);
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanup);

async function main(): Promise<void> {
  const chart = join(ROOT, 'deploy/helm/sre-kit');
  const { settings: s, env, testPod } = renderPod({ helm, chart, kubernetesVersion, image });
  log(`rendered pod: ${JSON.stringify(s)}`);
  if (!(s.readOnly && s.dropAll && s.noNewPrivileges && s.seccomp === 'RuntimeDefault'))
    fail(
      'the rendered container is not read-only / drop ALL / no privilege escalation / RuntimeDefault',
    );
  if (s.image !== image) fail(`the rendered image is ${s.image}, not ${image}`);

  docker('network', 'create', network);
  await startEmulator(emulator, s);
  log(`emulator ${motoImage} answers as ${s.emulatorHost}:${s.emulatorPort} on network ${network}`);

  const base = runApp({ name: appName, network, image, work }, s, env);
  const app: ProbedApp = { base, container: appName };

  await probeUntil(app, 'startup', s.startup, 'pass', s.startup.period * s.startup.failure);
  await probeUntil(app, 'liveness', s.liveness, 'pass', s.liveness.timeout);
  await probeUntil(app, 'readiness', s.readiness, 'pass', 30);
  const status = await probeOnce(base, '/status', 5);
  if (status.code !== '200' || status.body !== '{"result":"success"}')
    fail(`GET /status -> ${status.code} ${status.body}, want 200 {"result":"success"}`);
  log('ok   GET /status -> 200 {"result":"success"} (what helm test checks)');
  if (testPod) checkHelmTestPod({ network, app: appName, image }, s, testPod);

  await checkUploadCapacity(app, env);
  checkLargeListing(app, emulator.name, s, process.env.POD_CHECK_LISTING_USERS || '20000');
  await checkEmulatorOutage(app, emulator.name, s, () => startEmulator(emulator, s));
  checkGracefulStop(app, s);
  log(`all pod-equivalent checks passed for ${image}`);
}

try {
  await main();
} catch (err) {
  console.error(
    `pod-check: FAIL ${err instanceof CheckFailed ? err.message : (err as Error).stack}`,
  );
  process.exitCode = 1;
} finally {
  cleanup();
}
