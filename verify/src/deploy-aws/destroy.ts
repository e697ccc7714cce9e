// Step 4 of make deploy-aws-check: `aws.sh destroy` deletes the pushed image and leaves an empty
// Terraform state, no ECR repository and nothing else in moto.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { ROOT } from '../lib/stack.ts';
import { leftovers } from '../terraform/leftovers.ts';
import type { DeployCheck } from './context.ts';
import { expect, step, tail } from './report.ts';

export async function destroyLeavesNothing(check: DeployCheck, tagValue: string): Promise<void> {
  step('make destroy-aws (aws.sh destroy)');
  const destroyed = await check.run('destroy', ['destroy'], check.env);
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
    env: check.env,
    encoding: 'utf8',
  });
  expect(state.status === 0 && state.stdout.trim() === '', 'the state is empty');
  const repos = await check.ecr.send(new DescribeRepositoriesCommand({}));
  expect((repos.repositories ?? []).length === 0, 'no ECR repository is left');
  const found = await leftovers(check.endpoint);
  for (const [kind, names] of Object.entries(found))
    expect(
      names.length === 0,
      `nothing left in moto: ${kind} ${names.length > 0 ? JSON.stringify(names) : ''}`,
    );
}
