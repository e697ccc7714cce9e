import { expect } from 'chai';
import { cachedChecker, type DependencyReport } from '../../src/aws/readiness.ts';

describe('cached readiness', () => {
  it('reuses a result for the TTL and shares one check between concurrent callers', async () => {
    let calls = 0;
    let clock = 0;
    const report: DependencyReport = { users_table: { ok: true } };
    const checker = cachedChecker(
      {
        check: async () => {
          calls++;
          await new Promise((resolve) => setTimeout(resolve, 5));
          return report;
        },
      },
      2000,
      () => clock,
    );
    await Promise.all([checker.check(), checker.check(), checker.check()]);
    expect(calls).to.equal(1);
    clock = 1999;
    await checker.check();
    expect(calls).to.equal(1);
    clock = 4000;
    await checker.check();
    expect(calls).to.equal(2);
  });
});
