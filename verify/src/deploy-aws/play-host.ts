// moto's EC2 host runs nothing: the check does what the host would do with its user data. It reads
// the user data the instance received, shellchecks it, and runs the sre-kit.service unit's command
// with the pushed image under the local Docker engine; afterwards it removes the container and
// only the image tags this run made.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { start, stop, type Started } from '../lib/proc.ts';
import type { DeployCheck } from './context.ts';
import { expectShellcheckClean } from './shellcheck.ts';
import { parseUserData, runnableExecStart } from './user-data.ts';

export interface PlayedHost {
  /** Unique: the Docker engine is shared. */
  containerName: string;
  /** Image names this run tagged. */
  images: Set<string>;
  process?: Started;
}

/** The host's boot: user data from moto, shellcheck, the unit's docker run. */
export async function playHost(check: DeployCheck, host: PlayedHost): Promise<void> {
  const { ec2, work, facade } = check;
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
    ['/usr/local/bin/sre-kit-prepare', parsed.files.get('/usr/local/bin/sre-kit-prepare') ?? ''],
  ] as const)
    expectShellcheckClean(name, script, true);
  const envFile = join(work, 'sre-kit.env');
  const secrets = join(work, 'secrets.env');
  writeFileSync(envFile, `${parsed.files.get('/etc/sre-kit/env') ?? ''}\n`);
  writeFileSync(secrets, '');
  const command = runnableExecStart(parsed.execStart, {
    name: host.containerName,
    envFiles: { '/etc/sre-kit/env': envFile, '/run/sre-kit/secrets.env': secrets },
  });
  const image = command.at(-1) ?? '';
  host.images.add(image);
  // The host pulls this name from ECR. The Docker engine that pushed the image is this one:
  // the pushed reference is tagged with the name the host uses.
  const pushed = `127.0.0.1:${facade.port}/${image.slice(image.indexOf('/') + 1)}`;
  host.images.add(pushed);
  execFileSync('docker', ['tag', pushed, image]);
  console.log(`  the unit's ExecStart: ${command.join(' ')}`);
  host.process = start('docker', command.slice(1), { logFile: join(work, 'host.log') });
}

/** Removes the host's container and the image tags the run made; the layers stay for other builds. */
export async function removeHost(check: DeployCheck, host: PlayedHost): Promise<void> {
  if (host.process) {
    spawnSync('docker', ['rm', '--force', host.containerName], { stdio: 'ignore' });
    await stop(host.process);
  }
  const built = /image: sre-kit-deploy:(\S+)/.exec(
    readFileSync(join(check.work, 'deploy-1.log'), 'utf8'),
  );
  if (built) {
    host.images.add(`sre-kit-api:${built[1]}`);
    host.images.add(`127.0.0.1:${check.facade.port}/sre-kit-deploy:${built[1]}`);
  }
  for (const image of host.images) spawnSync('docker', ['rmi', image], { stdio: 'ignore' });
}
