// `make chart-pod-check` (verify/checks/pod-equivalent-check.sh): runs the service image exactly
// as the chart's Deployment runs it on kind, but under plain Docker, and probes it the way the
// kubelet does.
//   HELM=... MOTO_IMAGE=... KUBERNETES_VERSION=... node src/pod-check.ts sre-kit-api:0.1.0
//
// 1. Renders the chart with values-kind.yaml and the given image (helm template) and reads the
//    pod from it (src/chart/rendered-pod.ts).
// 2. Starts the emulator (MOTO_IMAGE) on a private Docker network under the host name that
//    AWS_ENDPOINT_URL names, and creates the tables (service/schema/dynamodb-tables.json) and the
//    bucket with the names of the ConfigMap through its published loopback port, with the same
//    provision() as every other harness.
// 3. Runs the image with those settings and checks, like the kubelet (success = HTTP 200-399
//    within timeoutSeconds): the startup probe passes within periodSeconds x failureThreshold;
//    liveness passes; readiness passes with the emulator up; GET /status is exactly
//    {"result":"success"} (the helm test); 20 concurrent uploads of the largest avatar are each
//    created or refused with 503 upload_capacity and the container is not OOM-killed (its /tmp
//    tmpfs counts in its memory limit); with the emulator stopped, readiness fails (503) while
//    liveness still passes (an AWS outage must not restart pods); readiness recovers when the
//    emulator is back; SIGTERM stops the container by itself within terminationGracePeriodSeconds.
//    Before the outage, GET /users of a large table (POD_CHECK_LISTING_USERS, default 20,000,
//    written by src/large-listing-check.ts) answers every user and the container is not
//    OOM-killed. 20,000 users is the size at which a listing that held the table in memory was
//    OOM-killed under the pod's 512Mi; make bench lists 100,000 on LocalStack. moto reads the
//    whole table for every scan page, so here a listing's time grows with the square of the
//    table's size (100,000 users took over 80 s, 50,000 over 30 s).
// Everything it starts is removed on exit.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderedPod, type PodSettings, type Probe } from './chart/rendered-pod.ts';
import { waitForHttp } from './lib/proc.ts';
import { provision, ROOT } from './lib/stack.ts';

const VERIFY = resolve(import.meta.dirname, '..');
const CHART = join(ROOT, 'deploy/helm/sre-kit');

class CheckFailed extends Error {}
const log = (message: string) => {
  console.error(`pod-check: ${message}`);
};
function fail(message: string): never {
  throw new CheckFailed(message);
}
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
const emulator = `${runId}-emulator`;
const app = `${runId}-app`;
const work = mkdtempSync(join(tmpdir(), 'sre-kit-podcheck-'));

function docker(...args: string[]): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}
let cleaned = false;
function cleanup(): void {
  if (cleaned) return;
  cleaned = true;
  for (const args of [
    ['rm', '-f', app, emulator],
    ['network', 'rm', network],
  ]) {
    try {
      docker(...args);
    } catch {
      // Not created, or already gone.
    }
  }
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanup);

/** http://127.0.0.1:<port> where Docker publishes the container's port on loopback. */
function published(container: string, port: number): string {
  const hostPort = /:(\d+)$/m.exec(docker('port', container, `${port}/tcp`))?.[1];
  return hostPort
    ? `http://127.0.0.1:${hostPort}`
    : fail(`docker port found no loopback port for ${container}`);
}
const state = (container: string) =>
  docker('inspect', '-f', '{{.State.Running}} {{.State.OOMKilled}}', container);
const stateText = (container: string) =>
  docker('inspect', '-f', 'running={{.State.Running}} oom={{.State.OOMKilled}}', container);
const appLogs = () => {
  const logs = spawnSync('docker', ['logs', app], { encoding: 'utf8' });
  console.error(`${logs.stdout}${logs.stderr}`.split('\n').slice(-21).join('\n'));
};

// --- 1. The pod as the chart renders it ----------------------------------------------------------
function renderPod() {
  const colon = image.lastIndexOf(':');
  const text = execFileSync(
    helm,
    [
      'template',
      'sre-kit',
      CHART,
      '--namespace',
      'sre-kit',
      '--kube-version',
      kubernetesVersion,
      '-f',
      join(CHART, 'values-kind.yaml'),
      '--set',
      `image.repository=${image.slice(0, colon)}`,
      '--set-string',
      `image.tag=${image.slice(colon + 1)}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 },
  );
  try {
    return renderedPod(text);
  } catch (err) {
    return fail((err as Error).message);
  }
}

// --- 2. The emulator, under the name AWS_ENDPOINT_URL uses ---------------------------------------
async function startEmulator(s: PodSettings): Promise<string> {
  docker(
    'run',
    '-d',
    '--name',
    emulator,
    '--network',
    network,
    '--network-alias',
    s.emulatorHost,
    '--publish',
    `127.0.0.1::${s.emulatorPort}`,
    motoImage,
    '-p',
    String(s.emulatorPort),
  );
  const endpoint = published(emulator, s.emulatorPort);
  await waitForHttp(`${endpoint}/moto-api/`, { statuses: [200], timeoutMs: 30_000 });
  const { dynamo, s3 } = await provision(
    endpoint,
    { usersTable: s.usersTable, stateTable: s.stateTable, bucket: s.bucket },
    s.region,
  );
  dynamo.destroy();
  s3.destroy();
  log(`provisioned tables ${s.usersTable}, ${s.stateTable} and bucket ${s.bucket}`);
  return endpoint;
}

// --- 3. Probes, as the kubelet runs them ----------------------------------------------------------
interface Answer {
  /** The HTTP status, or '000' when nothing answered within the timeout. */
  code: string;
  body: string;
}
/**
 * One kubelet HTTP probe: success is a status of 200-399 within timeoutSeconds. Each on a new
 * connection that closes after the answer, as the kubelet's: an idle keep-alive connection would
 * hold the app's graceful shutdown open until its keep-alive timeout.
 */
function probeOnce(base: string, path: string, timeoutSeconds: number): Promise<Answer> {
  return new Promise((resolve) => {
    const noAnswer = () => {
      resolve({ code: '000', body: '' });
    };
    const request = get(
      `${base}${path}`,
      { agent: false, signal: AbortSignal.timeout(timeoutSeconds * 1000) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', noAnswer);
        res.on('end', () => {
          resolve({ code: String(res.statusCode), body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    request.on('error', noAnswer);
  });
}
/** Runs a probe the way the kubelet does until it gives `want`, for at most maxSeconds. */
async function probeUntil(
  base: string,
  name: string,
  p: Probe,
  want: 'pass' | 'fail',
  maxSeconds: number,
): Promise<Answer> {
  const deadline = performance.now() + maxSeconds * 1000;
  let last: Answer = { code: '000', body: '' };
  while (performance.now() <= deadline) {
    last = await probeOnce(base, p.path, p.timeout);
    const got = /^[23]\d\d$/.test(last.code) ? 'pass' : 'fail';
    if (got === want) {
      log(
        `ok   ${name} probe GET ${p.path} -> ${last.code} (${want}, timeout ${p.timeout}s): ${last.body.slice(0, 200)}`,
      );
      return last;
    }
    if (!state(app).startsWith('true')) {
      appLogs();
      fail('the container exited');
    }
    await sleep(p.period * 1000);
  }
  appLogs();
  return fail(
    `${name} probe GET ${p.path} did not ${want} within ${maxSeconds}s (last status ${last.code}: ${last.body.slice(0, 200)})`,
  );
}

async function main(): Promise<void> {
  const { settings: s, env, testPod } = renderPod();
  log(`rendered pod: ${JSON.stringify(s)}`);
  if (!(s.readOnly && s.dropAll && s.noNewPrivileges && s.seccomp === 'RuntimeDefault'))
    fail(
      'the rendered container is not read-only / drop ALL / no privilege escalation / RuntimeDefault',
    );
  if (s.image !== image) fail(`the rendered image is ${s.image}, not ${image}`);

  docker('network', 'create', network);
  await startEmulator(s);
  log(`emulator ${motoImage} answers as ${s.emulatorHost}:${s.emulatorPort} on network ${network}`);

  // The app, with exactly the pod's settings.
  const envFile = join(work, 'env');
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  const args = [
    '--name',
    app,
    '--network',
    network,
    '--env-file',
    envFile,
    '--user',
    s.user,
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--publish',
    `127.0.0.1::${s.port}`,
    '--read-only', // the rendered container's root is read-only (checked above)
  ];
  if (s.fsGroup !== null) args.push('--group-add', String(s.fsGroup));
  for (const t of s.tmpfs) args.push('--tmpfs', t);
  if (s.memory) args.push('--memory', s.memory);
  if (s.cpus) args.push('--cpus', s.cpus);
  log(`docker run ${args.join(' ')} ${image}`);
  docker('run', '-d', ...args, image);
  const base = published(app, s.port);

  await probeUntil(base, 'startup', s.startup, 'pass', s.startup.period * s.startup.failure);
  await probeUntil(base, 'liveness', s.liveness, 'pass', s.liveness.timeout);
  await probeUntil(base, 'readiness', s.readiness, 'pass', 30);
  const status = await probeOnce(base, '/status', 5);
  if (status.code !== '200' || status.body !== '{"result":"success"}')
    fail(`GET /status -> ${status.code} ${status.body}, want 200 {"result":"success"}`);
  log('ok   GET /status -> 200 {"result":"success"} (what helm test checks)');

  // The helm test pod's own command, in its image, with the same restrictions, through the
  // network (STATUS_URL pointed at the app container instead of the Service).
  if (testPod) {
    const [entrypoint, ...command] = testPod.command;
    if (entrypoint === undefined) fail('the helm test pod has no command');
    const run = spawnSync(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        network,
        '--user',
        s.user,
        '--read-only',
        '--tmpfs',
        '/tmp:rw,mode=1777,size=16m',
        '--cap-drop',
        'ALL',
        '--security-opt',
        'no-new-privileges',
        '-e',
        `STATUS_URL=http://${app}:${s.port}/status`,
        '--entrypoint',
        entrypoint,
        image,
        ...command,
      ],
      { stdio: ['ignore', 2, 2] },
    );
    if (run.status !== 0) fail("the helm test pod's command failed against the app");
    log("ok   the helm test pod's command passes against the app");
  }

  // Uploads in progress are spooled to /tmp, which here is a tmpfs counted in the memory limit: 20
  // concurrent uploads of the largest avatar must neither overflow /tmp nor get the container
  // killed. Each is created (201) or, past UPLOAD_TMP_MAX_BYTES, refused with 503 upload_capacity.
  const avatarMax = Number(env.AVATAR_MAX_BYTES);
  const tmpMax = Number(env.UPLOAD_TMP_MAX_BYTES);
  if (!(avatarMax > 8 && tmpMax > 0))
    fail('the ConfigMap sets no AVATAR_MAX_BYTES / UPLOAD_TMP_MAX_BYTES');
  // The PNG signature, then zeros up to the largest size the service accepts.
  const avatar = new Uint8Array(avatarMax);
  avatar.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const uploads = await Promise.all(
    Array.from({ length: 20 }, async (_, n): Promise<Answer> => {
      const form = new FormData();
      form.set('name', 'Load');
      form.set('email', `load-${n + 1}-${process.pid}@example.com`);
      form.set('avatar', new Blob([avatar], { type: 'image/png' }), 'avatar.png');
      try {
        const res = await fetch(`${base}/user`, {
          method: 'POST',
          body: form,
          signal: AbortSignal.timeout(120_000),
        });
        return { code: String(res.status), body: await res.text() };
      } catch {
        return { code: '000', body: '' };
      }
    }),
  );
  let created = 0;
  let refused = 0;
  uploads.forEach(({ code, body }, n) => {
    if (code === '201') created++;
    else if (code === '503' && body.includes('"upload_capacity"')) refused++;
    else
      fail(
        `upload ${n + 1} of 20 concurrent ${avatarMax}-byte avatars -> ${code} ${body.slice(0, 300)}`,
      );
  });
  const fit = Math.min(20, Math.floor(tmpMax / (avatarMax + 65536)));
  if (created < fit)
    fail(
      `only ${created} of 20 concurrent uploads were created; UPLOAD_TMP_MAX_BYTES=${tmpMax} holds ${fit}`,
    );
  if (state(app) !== 'true false')
    fail(`the container did not survive 20 concurrent uploads: ${stateText(app)}`);
  const metrics = await probeOnce(base, '/metrics', 5);
  const spooled = /^avatar_upload_tmp_bytes (.*)$/m.exec(metrics.body)?.[1] ?? '';
  if (metrics.code !== '200' || spooled !== '0')
    fail(
      `GET /metrics -> ${metrics.code}, avatar_upload_tmp_bytes '${spooled}', want 0 once the uploads are answered`,
    );
  log(
    `ok   20 concurrent ${avatarMax}-byte uploads: ${created} created, ${refused} refused with 503 upload_capacity; container still running, not OOM-killed; /tmp spool back to 0`,
  );

  // GET /users of a large table inside the pod's memory limit: the users are written straight to
  // the emulator's table (src/large-listing-check.ts), then listed once through the app, which
  // must answer every user as one JSON array without being OOM-killed.
  const listingUsers = process.env.POD_CHECK_LISTING_USERS || '20000';
  // The container's peak memory: memory.peak on cgroup v2, memory.max_usage_in_bytes on v1.
  const memoryPeak = () => {
    try {
      return docker(
        'exec',
        app,
        'sh',
        '-c',
        'cat /sys/fs/cgroup/memory.peak 2>/dev/null || cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes',
      );
    } catch {
      return 'unknown';
    }
  };
  const peakBefore = memoryPeak();
  const emulatorUrl = published(emulator, s.emulatorPort);
  const listing = spawnSync(
    process.execPath,
    [
      'src/large-listing-check.ts',
      '--dynamo',
      emulatorUrl,
      '--region',
      s.region,
      '--table',
      s.usersTable,
      '--object-url-base',
      `${emulatorUrl}/${s.bucket}`,
      '--service',
      base,
      '--users',
      listingUsers,
    ],
    { cwd: VERIFY, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const listed = listing.stdout.trim();
  if (listing.status !== 0)
    fail(`GET /users of ${listingUsers} users: ${listed} ${stateText(app)}`);
  if (state(app) !== 'true false')
    fail(`the container did not survive listing ${listingUsers} users: ${stateText(app)}`);
  const peak = memoryPeak();
  log(
    `ok   GET /users of ${listingUsers} users under the ${s.memory} limit: ${listed}; container memory.peak ${peak} bytes (${peakBefore} before the listing), not OOM-killed`,
  );

  log('stopping the emulator');
  docker('stop', '-t', '2', emulator);
  const readinessBudget = s.readiness.period * s.readiness.failure + 30;
  const down = await probeUntil(base, 'readiness', s.readiness, 'fail', readinessBudget);
  if (!down.body.includes('{')) fail(`readiness failed without a JSON body: ${down.body}`);
  const ready = await probeOnce(base, s.readiness.path, 10);
  if (ready.code !== '503')
    fail(`GET ${s.readiness.path} with the emulator down -> ${ready.code}, want 503`);
  log(`ok   GET ${s.readiness.path} -> 503 with the emulator down`);
  await probeUntil(base, 'liveness', s.liveness, 'pass', s.liveness.timeout);

  log('starting the emulator again (fresh state, provisioned again)');
  docker('rm', '-f', emulator);
  await startEmulator(s);
  await probeUntil(base, 'readiness', s.readiness, 'pass', 60);

  log(`SIGTERM, as at pod deletion (terminationGracePeriodSeconds ${s.grace})`);
  const start = performance.now();
  docker('stop', '-t', String(s.grace), app);
  const exitCode = docker('inspect', '-f', '{{.State.ExitCode}}', app);
  const elapsed = ((performance.now() - start) / 1000).toFixed(1);
  if (exitCode !== '0')
    fail(
      `the container exited with ${exitCode} after SIGTERM (137: killed at the end of the grace period)`,
    );
  log(`ok   exited 0 ${elapsed}s after SIGTERM (grace period ${s.grace}s)`);
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
