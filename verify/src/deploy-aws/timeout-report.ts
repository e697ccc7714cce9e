// Step 3 of make deploy-aws-check: a host that never answers ends the deploy with exit 1 and a
// diagnosis report of one screen (instance state, status checks, console output, the unit, what to
// try, what is left).
import { freePort } from '../lib/proc.ts';
import type { DeployCheck } from './context.ts';
import { expect, step } from './report.ts';

export async function hostThatNeverAnswers(check: DeployCheck): Promise<void> {
  step('make deploy-aws with a host that never answers (DEPLOY_WAIT=6)');
  const closed = await freePort();
  const third = await check.run('deploy-timeout', ['deploy'], {
    ...check.env,
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
}
