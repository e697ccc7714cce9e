import { expect } from 'chai';
import { pino } from 'pino';
import { AvatarCleanup } from '../../src/domain/avatar-cleanup.ts';

function harness(users: Record<string, string>, failures = 0) {
  let clock = 0;
  let toFail = failures;
  const deleted: string[] = [];
  const cleanup = new AvatarCleanup({
    ports: {
      avatarKeyOf: (email) => {
        if (toFail > 0) {
          toFail -= 1;
          return Promise.reject(new Error('AWS is down'));
        }
        return Promise.resolve(users[email]);
      },
      deleteObject: (key) => {
        deleted.push(key);
        return Promise.resolve();
      },
    },
    logger: pino({ level: 'silent' }),
    settleMs: 1000,
    now: () => clock,
  });
  return {
    cleanup,
    deleted,
    advance: (ms: number) => (clock += ms),
  };
}

describe('in-doubt upload clean-up', () => {
  it('waits for the in-doubt call to settle before it checks', async () => {
    const { cleanup, deleted, advance } = harness({});
    cleanup.schedule('avatars/a.png', 'a@example.com');
    await cleanup.runDue();
    expect(deleted).to.deep.equal([]);
    expect(cleanup.pending()).to.equal(1);
    advance(1000);
    await cleanup.runDue();
    expect(deleted).to.deep.equal(['avatars/a.png']);
    expect(cleanup.pending()).to.equal(0);
  });

  it('keeps the object of a user whose in-doubt write landed after all', async () => {
    const { cleanup, deleted, advance } = harness({ 'a@example.com': 'avatars/a.png' });
    cleanup.schedule('avatars/a.png', 'a@example.com');
    advance(1000);
    await cleanup.runDue();
    expect(deleted).to.deep.equal([]);
    expect(cleanup.pending()).to.equal(0);
  });

  it('deletes the object when the email belongs to another upload', async () => {
    const { cleanup, deleted, advance } = harness({ 'a@example.com': 'avatars/other.png' });
    cleanup.schedule('avatars/a.png', 'a@example.com');
    advance(1000);
    await cleanup.runDue();
    expect(deleted).to.deep.equal(['avatars/a.png']);
  });

  it('retries with backoff while AWS is unreachable', async () => {
    const { cleanup, deleted, advance } = harness({}, 2);
    cleanup.schedule('avatars/a.png', 'a@example.com');
    advance(1000);
    await cleanup.runDue();
    expect(cleanup.pending()).to.equal(1);
    advance(1000);
    await cleanup.runDue();
    expect(cleanup.pending()).to.equal(1);
    advance(2000);
    await cleanup.runDue();
    expect(deleted).to.deep.equal(['avatars/a.png']);
    expect(cleanup.pending()).to.equal(0);
  });

  it('drains everything at shutdown, without waiting for the settle delay', async () => {
    const { cleanup, deleted } = harness({});
    cleanup.schedule('avatars/a.png', 'a@example.com');
    cleanup.schedule('avatars/b.png', 'b@example.com');
    expect(await cleanup.drain(1000)).to.equal(true);
    expect(deleted.sort()).to.deep.equal(['avatars/a.png', 'avatars/b.png']);
  });
});
