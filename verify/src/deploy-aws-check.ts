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
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { freePort, start, stop, waitForHttp, type Started } from './lib/proc.ts';
import { ROOT } from './lib/stack.ts';
import { startEcrFacade, type EcrFacade } from './deploy-aws/ecr-facade.ts';
import { parseUserData, runnableExecStart } from './deploy-aws/user-data.ts';
import { leftovers } from './terraform/leftovers.ts';
import { useEmulatorCredentials } from './lib/emulator-env.ts';

class CheckFailed extends Error {}
const log = (message: string) => {
  console.error(`deploy-aws-check: ${message}`);
};
const die = (message: string): never => {
  throw new CheckFailed(message);
};
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (verify/checks/deploy-aws-check.sh does this)`);
  return value;
}
const startedAt = performance.now();
const elapsed = () => `${Math.round((performance.now() - startedAt) / 1000)}s`;
const step = (message: string) => {
  log(`--- ${message} (+${elapsed()})`);
};
let failures = 0;
function expect(ok: boolean, what: string): void {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${what}`);
  if (!ok) failures += 1;
}
const tail = (text: string, lines: number) => text.trimEnd().split('\n').slice(-lines).join('\n');

const motoBin = required('MOTO_BIN');
const awscliBin = required('AWSCLI_BIN');
const registryBin = required('REGISTRY_BIN');
const work = mkdtempSync(join(process.env.TMPDIR ?? tmpdir(), 'sre-kit-deploy-aws.'));
const AWS_SH = join(ROOT, 'terraform/scripts/aws.sh');
const suffix = `${process.pid}-${Date.now().toString(36)}`;

interface Run {
  code: number | null;
  output: string;
}
/** Runs aws.sh with its output in <work>/<name>.log; onLine sees each line as it comes. */
function runScript(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
  signal?: AbortSignal,
): Promise<Run> {
  const file = createWriteStream(join(work, `${name}.log`));
  let output = '';
  let pending = '';
  return new Promise((resolve, reject) => {
    const child = spawn(AWS_SH, args, { env, stdio: ['ignore', 'pipe', 'pipe'], signal });
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      file.write(text);
      output += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine?.(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (err) => {
      if (!signal?.aborted) reject(err);
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), 600_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      file.end();
      resolve({ code, output });
    });
  });
}

/** The tag aws.sh must derive: the last commit of service/, 12 digits (+ -dirty-<8> when dirty). */
function expectedTagPrefix(): string {
  const commit = execFileSync('git', ['-C', ROOT, 'log', '-1', '--format=%H', '--', 'service'], {
    encoding: 'utf8',
  }).trim();
  return commit.slice(0, 12);
}

async function main(endpoint: string, facade: EcrFacade, ecr: ECRClient, ec2: EC2Client) {
  const appPort = await freePort();
  const statusUrl = `http://127.0.0.1:${appPort}/status`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${awscliBin}:${process.env.PATH ?? ''}`,
    AUTO_APPROVE: '1',
    DEPLOY_WAIT: '120',
    DEPLOY_AWS_TEST_ENDPOINT: endpoint,
    DEPLOY_AWS_TEST_REGISTRY: `127.0.0.1:${facade.port}`,
    DEPLOY_AWS_TEST_STATUS_URL: statusUrl,
    // Own state and docker login, never terraform/terraform.tfstate or ~/.docker.
    TF_DATA_DIR: join(work, 'tf-data'),
    TF_CLI_ARGS_init: `-backend-config=path=${join(work, 'terraform.tfstate')}`,
    DOCKER_CONFIG: join(work, 'docker-config'),
    TF_VAR_app_port: String(appPort),
    TF_VAR_name_prefix: 'sre-kit-deploy',
    TF_VAR_avatars_force_destroy: 'true',
    TF_VAR_allow_plain_http: 'true',
  };
  mkdirSync(join(work, 'docker-config'), { recursive: true });
  const containerName = `sre-kit-deploy-check-${suffix}`;
  let host: Started | undefined;
  const images = new Set<string>();

  try {
    // --- 1. the first deploy: plan, build, apply, push, wait -------------------------------------
    step('make deploy-aws (aws.sh deploy), first run');
    let hostError: string | undefined;
    let hostStarting: Promise<void> | undefined;
    const abort = new AbortController();
    const first = await runScript(
      'deploy-1',
      ['deploy'],
      env,
      (line) => {
        if (!line.includes('deploy-aws: [') || !line.includes('waiting up to')) return;
        // The script now waits for the host: do what the host would do with its user data.
        hostStarting = (async () => {
          const instances = await ec2.send(
            new DescribeInstancesCommand({
              Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running'] }],
            }),
          );
          const id = instances.Reservations?.[0]?.Instances?.[0]?.InstanceId;
          if (!id) throw new Error('no running instance in moto');
          const attr = await ec2.send(
            new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'userData' }),
          );
          const userData = Buffer.from(attr.UserData?.Value ?? '', 'base64').toString('utf8');
          writeFileSync(join(work, 'user-data.sh'), userData);
          const parsed = parseUserData(userData);
          for (const [name, script] of [
            ['the rendered user data', userData],
            [
              '/usr/local/bin/sre-kit-prepare',
              parsed.files.get('/usr/local/bin/sre-kit-prepare') ?? '',
            ],
          ] as const) {
            const sc = spawnSync('shellcheck', ['-s', 'bash', '-'], {
              input: script,
              encoding: 'utf8',
            });
            expect(sc.status === 0 && script.length > 0, `shellcheck: ${name}`);
            if (sc.status !== 0) console.error(sc.stdout);
          }
          const envFile = join(work, 'sre-kit.env');
          const secrets = join(work, 'secrets.env');
          writeFileSync(envFile, `${parsed.files.get('/etc/sre-kit/env') ?? ''}\n`);
          writeFileSync(secrets, '');
          const command = runnableExecStart(parsed.execStart, {
            name: containerName,
            envFiles: { '/etc/sre-kit/env': envFile, '/run/sre-kit/secrets.env': secrets },
          });
          const image = command.at(-1) ?? '';
          images.add(image);
          // The host pulls this name from ECR. The Docker engine that pushed the image is this one:
          // the pushed reference is tagged with the name the host uses.
          const pushed = `127.0.0.1:${facade.port}/${image.slice(image.indexOf('/') + 1)}`;
          images.add(pushed);
          execFileSync('docker', ['tag', pushed, image]);
          console.log(`  the unit's ExecStart: ${command.join(' ')}`);
          host = start('docker', command.slice(1), { logFile: join(work, 'host.log') });
        })().catch((err: unknown) => {
          hostError = (err as Error).message;
          abort.abort();
        });
      },
      abort.signal,
    );
    await hostStarting;
    if (hostError) die(`could not play the host: ${hostError}`);
    if (first.code !== 0) {
      console.error(tail(first.output, 40));
      die(`the first deploy failed (exit ${first.code}; log: ${join(work, 'deploy-1.log')})`);
    }
    const order = [
      '] terraform plan',
      '] docker build',
      '] terraform apply',
      '] docker push',
      '] waiting up to',
      'the host answers',
    ].map((s) => first.output.indexOf(s));
    expect(
      order.every((at, i) => at >= 0 && (i === 0 || at > (order[i - 1] ?? Infinity))),
      'steps in order: plan, build, apply, push, wait, the host answers',
    );
    const tag = /image: sre-kit-deploy:(\S+) for (linux\/\w+)/.exec(first.output);
    const tagValue = tag?.[1] ?? '';
    expect(
      /^[0-9a-f]{12}(-dirty-[0-9a-f]{8})?$/.test(tagValue) &&
        tagValue.startsWith(expectedTagPrefix()),
      `image tag ${tagValue} is the commit of service/ (${expectedTagPrefix()}), not latest`,
    );
    expect(tag?.[2] === 'linux/amd64', `built for the host's platform: ${tag?.[2]} (t3.micro)`);
    for (const s of ['status   ', 'swagger  ', 'ip       ', 'aws ssm start-session'])
      expect(first.output.includes(s), `prints ${s.trim()}`);
    const tagPuts = facade.manifestPuts.filter((p) => !p.includes(':sha256:'));
    expect(
      tagPuts.length === 1 && tagPuts[0] === `sre-kit-deploy:${tagValue}`,
      `one tag pushed: ${JSON.stringify(tagPuts)}`,
    );
    const inEcr = await ecr.send(new DescribeImagesCommand({ repositoryName: 'sre-kit-deploy' }));
    expect(
      (inEcr.imageDetails ?? []).some((d) => d.imageTags?.includes(tagValue)),
      `ECR (moto) lists ${tagValue}`,
    );
    const userData = readFileSync(join(work, 'user-data.sh'), 'utf8');
    expect(userData.includes(`/sre-kit-deploy:${tagValue}`), 'the host runs that tag');

    // --- the other route: a public image, and an API key from SSM -----------------------------------
    step('user data rendered for a public image with api_key_parameter (terraform console)');
    const rendered = spawnSync(
      'terraform',
      [`-chdir=${join(ROOT, 'terraform')}`, 'console', `-var=image_tag=${tagValue}`],
      {
        env,
        encoding: 'utf8',
        input:
          'templatefile("modules/host/user-data.sh.tftpl", {image = "ghcr.io/owner/sre-kit:sha-0123456789ab", ecr_registry = null, region = "us-east-1", port = 8080, env = {PORT = "8080"}, api_key_parameter = "/sre-kit/api-key"})\n',
      },
    );
    const publicUserData = rendered.stdout.replace(/^<<EOT\n/, '').replace(/\nEOT\s*$/, '\n');
    expect(
      rendered.status === 0 && publicUserData.startsWith('#!/bin/bash'),
      'terraform renders the template',
    );
    const publicParsed = parseUserData(publicUserData);
    const prepare = publicParsed.files.get('/usr/local/bin/sre-kit-prepare') ?? '';
    expect(!publicUserData.includes('ecr get-login-password'), 'a public image: no ECR login');
    expect(
      prepare.includes('docker pull ghcr.io/owner/sre-kit:sha-0123456789ab') &&
        prepare.includes("--name '/sre-kit/api-key'"),
      'the boot script pulls the public image and reads the API key from SSM',
    );
    for (const [name, script] of [
      ['user data (public image)', publicUserData],
      ['sre-kit-prepare (public image, API key)', prepare],
    ] as const) {
      const sc = spawnSync('shellcheck', ['-s', 'bash', '-'], { input: script, encoding: 'utf8' });
      expect(sc.status === 0, `shellcheck: ${name}`);
      if (sc.status !== 0) console.error(sc.stdout);
    }

    // --- 2. a rerun with no change: nothing applied, nothing pushed -------------------------------
    step('make deploy-aws again, nothing changed');
    const putsBefore = facade.manifestPuts.length;
    const second = await runScript('deploy-2', ['deploy'], env);
    if (second.code !== 0) console.error(tail(second.output, 30));
    expect(second.code === 0, `the rerun succeeds (exit ${second.code})`);
    expect(second.output.includes('no changes, nothing to apply'), 'the rerun applies nothing');
    expect(second.output.includes('already in ECR: no build, no push'), 'the rerun builds nothing');
    expect(facade.manifestPuts.length === putsBefore, 'the rerun pushes nothing');

    // --- 3. a host that never answers: the report --------------------------------------------------
    step('make deploy-aws with a host that never answers (DEPLOY_WAIT=6)');
    const closed = await freePort();
    const third = await runScript('deploy-timeout', ['deploy'], {
      ...env,
      DEPLOY_WAIT: '6',
      DEPLOY_AWS_TEST_STATUS_URL: `http://127.0.0.1:${closed}/status`,
    });
    expect(third.code === 1, `exits 1 when the wait runs out (exit ${third.code})`);
    for (const [needle, what] of [
      ['did not answer {"result":"success"} within 6s', 'says what it waited for'],
      ['instance i-', 'the instance state'],
      ['status checks (instance, system)', 'the status checks'],
      ['console output, last lines', 'the console output'],
      ['the unit sre-kit.service', "the unit's state (or why it cannot be read)"],
      ['what to try:', 'what to try'],
      ['make destroy-aws removes everything', 'what is left, said'],
    ] as const)
      expect(third.output.includes(needle), `timeout report: ${what}`);
    const report = third.output.slice(third.output.indexOf('=== deploy-aws:'));
    expect(
      report.split('\n').length <= 40,
      `the report fits one screen (${report.split('\n').length} lines)`,
    );

    // --- 4. destroy: images deleted, nothing left ---------------------------------------------------
    step('make destroy-aws (aws.sh destroy)');
    const destroyed = await runScript('destroy', ['destroy'], env);
    if (destroyed.code !== 0) console.error(tail(destroyed.output, 30));
    expect(destroyed.code === 0, `destroy succeeds (exit ${destroyed.code})`);
    expect(
      /destroy-aws: removed \d+ resources:/.test(destroyed.output),
      'reports the resources it removed',
    );
    expect(
      destroyed.output.includes(`deleted 1 image(s): sre-kit-deploy:${tagValue}`),
      'reports the image it deleted',
    );
    const state = spawnSync('terraform', [`-chdir=${join(ROOT, 'terraform')}`, 'state', 'list'], {
      env,
      encoding: 'utf8',
    });
    expect(state.status === 0 && state.stdout.trim() === '', 'the state is empty');
    const repos = await ecr.send(new DescribeRepositoriesCommand({}));
    expect((repos.repositories ?? []).length === 0, 'no ECR repository is left');
    const found = await leftovers(endpoint);
    for (const [kind, names] of Object.entries(found))
      expect(
        names.length === 0,
        `nothing left in moto: ${kind} ${names.length > 0 ? JSON.stringify(names) : ''}`,
      );
  } finally {
    if (host) {
      spawnSync('docker', ['rm', '--force', containerName], { stdio: 'ignore' });
      await stop(host);
    }
    const built = /image: sre-kit-deploy:(\S+)/.exec(
      readFileSync(join(work, 'deploy-1.log'), 'utf8'),
    );
    if (built) {
      images.add(`sre-kit-api:${built[1]}`);
      images.add(`127.0.0.1:${facade.port}/sre-kit-deploy:${built[1]}`);
    }
    // Only the tags this run made; the layers stay for other builds.
    for (const image of images) spawnSync('docker', ['rmi', image], { stdio: 'ignore' });
  }
  if (failures > 0) die(`${failures} check(s) failed`);
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
  const [motoPort, registryPort, facadePort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const endpoint = `http://127.0.0.1:${motoPort}`;
  step(`starting moto on ${endpoint}, the registry on 127.0.0.1:${registryPort}`);
  started.push(
    start(join(motoBin, 'moto_server'), ['-H', '127.0.0.1', '-p', String(motoPort)], {
      logFile: join(work, 'moto.log'),
      env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
    }),
  );
  const registryConfig = join(work, 'registry.yml');
  writeFileSync(
    registryConfig,
    [
      'version: 0.1',
      'log: {level: info}',
      `storage: {filesystem: {rootdirectory: ${join(work, 'registry')}}, delete: {enabled: true}}`,
      `http: {addr: 127.0.0.1:${registryPort}}`,
      '',
    ].join('\n'),
  );
  // The registry reads REGISTRY_* variables as configuration, and exports traces unless told not to.
  const registryEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('REGISTRY_')),
  );
  started.push(
    start(registryBin, ['serve', registryConfig], {
      logFile: join(work, 'registry.log'),
      env: { ...registryEnv, OTEL_TRACES_EXPORTER: 'none' },
    }),
  );
  await waitForHttp(`${endpoint}/moto-api/`, { statuses: [200], timeoutMs: 60_000 });
  await waitForHttp(`http://127.0.0.1:${registryPort}/v2/`, { statuses: [200], timeoutMs: 30_000 });
  const clientOptions = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const ecr = new ECRClient(clientOptions);
  facade = await startEcrFacade({ registryPort, ecr, port: facadePort });
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
