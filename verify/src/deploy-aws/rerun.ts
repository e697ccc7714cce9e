// Step 2 of make deploy-aws-check: `aws.sh deploy` again with nothing changed applies, builds and
// pushes nothing.
import type { DeployCheck } from './context.ts';
import { expect, step, tail } from './report.ts';

export async function rerunWithoutChanges(check: DeployCheck): Promise<void> {
  step('make deploy-aws again, nothing changed');
  const putsBefore = check.facade.manifestPuts.length;
  const second = await check.run('deploy-2', ['deploy'], check.env);
  if (second.code !== 0) console.error(tail(second.output, 30));
  expect(second.code === 0, `the rerun succeeds (exit ${second.code})`);
  expect(second.output.includes('no changes, nothing to apply'), 'the rerun applies nothing');
  expect(second.output.includes('already in ECR: no build, no push'), 'the rerun builds nothing');
  expect(check.facade.manifestPuts.length === putsBefore, 'the rerun pushes nothing');
}
