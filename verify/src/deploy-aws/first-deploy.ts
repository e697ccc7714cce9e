// Step 1 of make deploy-aws-check: the first `aws.sh deploy` (plan, build, apply, push, wait), with
// the host played when the script starts waiting for it; the order of the steps, the image tag (the
// commit of service/, never latest), what is pushed and what the host runs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { ROOT } from '../lib/stack.ts';
import type { DeployCheck } from './context.ts';
import { playHost, type PlayedHost } from './play-host.ts';
import { expect, fail, step, tail } from './report.ts';

/** The tag aws.sh must derive: the last commit of service/, 12 digits (+ -dirty-<8> when dirty). */
function expectedTagPrefix(): string {
  const commit = execFileSync('git', ['-C', ROOT, 'log', '-1', '--format=%H', '--', 'service'], {
    encoding: 'utf8',
  }).trim();
  return commit.slice(0, 12);
}

/** Runs the first deploy and checks it; returns the image tag it pushed. */
export async function firstDeploy(check: DeployCheck, host: PlayedHost): Promise<string> {
  const { facade, ecr, work } = check;
  step('make deploy-aws (aws.sh deploy), first run');
  let hostError: string | undefined;
  let hostStarting: Promise<void> | undefined;
  const abort = new AbortController();
  const first = await check.run(
    'deploy-1',
    ['deploy'],
    check.env,
    (line) => {
      if (!line.includes('deploy-aws: [') || !line.includes('waiting up to')) return;
      // The script now waits for the host: do what the host would do with its user data.
      hostStarting = playHost(check, host).catch((err: unknown) => {
        hostError = (err as Error).message;
        abort.abort();
      });
    },
    abort.signal,
  );
  await hostStarting;
  if (hostError) fail(`could not play the host: ${hostError}`);
  if (first.code !== 0) {
    console.error(tail(first.output, 40));
    fail(`the first deploy failed (exit ${first.code}; log: ${join(work, 'deploy-1.log')})`);
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
  return tagValue;
}
