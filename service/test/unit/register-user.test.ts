import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { pino } from 'pino';
import { createApp } from '../../src/app.ts';
import type { AppDependencies } from '../../src/app-dependencies.ts';
import { AvatarCleanup } from '../../src/domain/avatar-cleanup.ts';
import { registerUser, type Registration } from '../../src/domain/register-user.ts';
import { StateService } from '../../src/domain/state-service.ts';
import { INITIAL_STATE } from '../../src/domain/state-update.ts';
import { createMetrics } from '../../src/http/metrics.ts';
import { pngImage, svgBytes } from '../support/images.ts';
import {
  existingUser,
  isDefinitiveFailure,
  MemoryAvatars,
  MemoryUsers,
  RecordedCleanup,
  Refused,
  TimedOut,
  uploadOf,
} from '../support/registration-fakes.ts';

const NOW = new Date('2030-05-06T07:08:09.000Z');
const EMAIL = 'ada@example.com';

function harness() {
  const avatars = new MemoryAvatars();
  const users = new MemoryUsers();
  const cleanup = new RecordedCleanup();
  const register = registerUser({
    avatars,
    users,
    cleanup,
    clock: { now: () => NOW },
    isDefinitiveFailure,
    logger: pino({ level: 'silent' }),
  });
  const image = pngImage(3, 3);
  const registration = (fields: Partial<Registration> = {}): Registration => ({
    name: ' Ada Lovelace ',
    email: 'ADA@example.com',
    avatar: uploadOf(image),
    requestId: 'req-1',
    ...fields,
  });
  return { avatars, users, cleanup, register, registration, image };
}

describe('register a user (in-memory ports)', () => {
  it('stores the avatar under a new key, then writes the user that references it', async () => {
    const { avatars, users, cleanup, register, registration, image } = harness();
    const result = await register(registration());
    const user = {
      email: EMAIL,
      name: 'Ada Lovelace',
      avatar_url: 'https://avatars.test/avatars/1.png',
      avatar_key: 'avatars/1.png',
      avatar_content_type: 'image/png',
      created_at: NOW.toISOString(),
    };
    expect(result).to.deep.equal({ outcome: 'created', user });
    expect(users.records.get(EMAIL)).to.deep.equal(user);
    expect(avatars.objects.get('avatars/1.png')).to.deep.equal({
      bytes: image,
      contentType: 'image/png',
    });
    expect(cleanup.scheduled).to.deep.equal([]);
  });

  it('names every problem of the form at once, and touches no dependency', async () => {
    const { avatars, users, register, registration } = harness();
    users.failExists = new Error('must not be called');
    const result = await register(registration({ name: '', email: 'nope', avatar: undefined }));
    expect(result).to.deep.equal({
      outcome: 'invalid',
      problems: [
        'name is required',
        'email must be a valid email address',
        'avatar is required (one image file)',
      ],
    });
    expect(avatars.objects.size).to.equal(0);
  });

  it('refuses an empty avatar', async () => {
    const { register, registration } = harness();
    const result = await register(registration({ avatar: uploadOf(Buffer.alloc(0)) }));
    expect(result).to.deep.equal({ outcome: 'invalid', problems: ['avatar is empty'] });
  });

  it('refuses what its bytes say is not a PNG, JPEG, GIF or WebP, and stores nothing', async () => {
    const { avatars, users, register, registration } = harness();
    const result = await register(registration({ avatar: uploadOf(svgBytes()) }));
    expect(result).to.deep.equal({ outcome: 'unsupported_image' });
    expect(avatars.objects.size).to.equal(0);
    expect(users.records.size).to.equal(0);
  });

  it('answers email_taken before uploading when the email is registered; deletes nothing', async () => {
    const { avatars, users, cleanup, register, registration } = harness();
    users.records.set(EMAIL, existingUser(EMAIL));
    const result = await register(registration());
    expect(result).to.deep.equal({ outcome: 'email_taken', email: EMAIL });
    expect(avatars.objects.size).to.equal(0);
    expect(avatars.deleted).to.deep.equal([]);
    expect(users.records.get(EMAIL)).to.deep.equal(existingUser(EMAIL));
    expect(cleanup.scheduled).to.deep.equal([]);
  });

  it('answers DynamoDB unavailable when the early check fails, and uploads nothing', async () => {
    const { avatars, users, register, registration } = harness();
    users.failExists = new TimedOut('no answer');
    const result = await register(registration());
    expect(result).to.deep.equal({ outcome: 'unavailable', dependency: 'DynamoDB' });
    expect(avatars.objects.size).to.equal(0);
  });

  describe('when the upload fails', () => {
    it('refused: answers S3 unavailable, writes no user, has nothing to check', async () => {
      const { avatars, users, cleanup, register, registration } = harness();
      avatars.failPut = new Refused('NoSuchBucket');
      const result = await register(registration());
      expect(result).to.deep.equal({ outcome: 'unavailable', dependency: 'S3' });
      expect(users.records.size).to.equal(0);
      expect(cleanup.scheduled).to.deep.equal([]);
    });

    it('timed out: writes no user and schedules a check of the object that may exist', async () => {
      const { avatars, users, cleanup, register, registration } = harness();
      avatars.failPut = new TimedOut('socket timeout');
      const result = await register(registration());
      expect(result).to.deep.equal({ outcome: 'unavailable', dependency: 'S3' });
      expect(users.records.size).to.equal(0);
      expect(cleanup.scheduled).to.deep.equal([{ key: 'avatars/1.png', email: EMAIL }]);
    });
  });

  describe('when the user write fails', () => {
    it('refused: deletes the uploaded object at once and schedules nothing', async () => {
      const { avatars, users, cleanup, register, registration } = harness();
      users.failCreate = new Refused('ResourceNotFoundException');
      const result = await register(registration());
      expect(result).to.deep.equal({ outcome: 'unavailable', dependency: 'DynamoDB' });
      expect(avatars.deleted).to.deep.equal(['avatars/1.png']);
      expect(avatars.objects.size).to.equal(0);
      expect(cleanup.scheduled).to.deep.equal([]);
    });

    it('refused, and the delete fails too: the object is checked later instead', async () => {
      const { avatars, users, cleanup, register, registration } = harness();
      users.failCreate = new Refused('ResourceNotFoundException');
      avatars.failDelete = new TimedOut('S3 went away');
      const result = await register(registration());
      expect(result).to.deep.equal({ outcome: 'unavailable', dependency: 'DynamoDB' });
      expect(avatars.objects.has('avatars/1.png')).to.equal(true);
      expect(cleanup.scheduled).to.deep.equal([{ key: 'avatars/1.png', email: EMAIL }]);
    });

    it('timed out (in doubt): keeps the object, since the write may land, and schedules its check', async () => {
      const { avatars, users, cleanup, register, registration } = harness();
      users.failCreate = new TimedOut('socket timeout');
      const result = await register(registration());
      expect(result).to.deep.equal({ outcome: 'unavailable', dependency: 'DynamoDB' });
      expect(avatars.deleted).to.deep.equal([]);
      expect(avatars.objects.has('avatars/1.png')).to.equal(true);
      expect(cleanup.scheduled).to.deep.equal([{ key: 'avatars/1.png', email: EMAIL }]);
    });

    it("lost a race for the email: deletes only its own object, never the other user's", async () => {
      const { avatars, users, cleanup, register, registration } = harness();
      users.raceWith = existingUser(EMAIL);
      const result = await register(registration());
      expect(result).to.deep.equal({ outcome: 'email_taken', email: EMAIL });
      expect(avatars.deleted).to.deep.equal(['avatars/1.png']);
      expect(users.records.get(EMAIL)).to.deep.equal(existingUser(EMAIL));
      expect(cleanup.scheduled).to.deep.equal([]);
    });
  });
});

/** The real app around the in-memory ports, served on a loopback port. */
async function startApp(settings: { AVATAR_MAX_BYTES: number; UPLOAD_TMP_MAX_BYTES: number }) {
  const avatars = new MemoryAvatars();
  const users = new MemoryUsers();
  const logger = pino({ level: 'silent' });
  const cleanup = new AvatarCleanup({
    ports: {
      avatarKeyOf: (email) => Promise.resolve(users.records.get(email)?.avatar_key),
      deleteObject: (key) => avatars.delete(key),
    },
    logger,
    settleMs: 60_000,
  });
  const deps: AppDependencies = {
    settings: {
      TRUST_PROXY: false,
      AVATAR_URL_MODE: 'public',
      AVATAR_URL_TTL: 60,
      API_KEY: undefined,
      ...settings,
    },
    logger,
    clock: { now: () => NOW },
    startedAt: NOW,
    lifecycle: { isShuttingDown: () => false },
    metrics: createMetrics(),
    users,
    avatars,
    cleanup,
    isDefinitiveFailure,
    state: new StateService({
      repository: {
        read: () => Promise.resolve(INITIAL_STATE),
        write: () => Promise.resolve(),
        log: () => Promise.resolve({ items: [], nextCursor: undefined }),
      },
      now: () => NOW,
    }),
    geo: { lookup: () => ({ ok: false, reason: 'none' }), status: () => ({ ok: true }) },
    readiness: { check: () => Promise.resolve({}) },
  };
  const handle = createApp(deps, 'test').koa.callback();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  const post = (email: string, bytes: Buffer) => {
    const form = new FormData();
    form.append('name', 'Ada');
    form.append('email', email);
    form.append('avatar', new Blob([bytes], { type: 'image/png' }), 'a.png');
    return fetch(`http://127.0.0.1:${port}/user`, { method: 'POST', body: form });
  };
  return { avatars, users, cleanup, post, close };
}

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

describe('POST /user over HTTP (in-memory ports)', () => {
  const sizes = { AVATAR_MAX_BYTES: 64 * 1024, UPLOAD_TMP_MAX_BYTES: 64 * 1024 };

  it('answers 201 with the public fields of the new user', async () => {
    const app = await startApp(sizes);
    try {
      const response = await app.post(EMAIL, pngImage(2, 2));
      expect(response.status).to.equal(201);
      expect(await response.json()).to.deep.equal({
        avatar_url: 'https://avatars.test/avatars/1.png',
        email: EMAIL,
        name: 'Ada',
      });
    } finally {
      await app.close();
    }
  });

  it('answers 409 conflict for a registered email', async () => {
    const app = await startApp(sizes);
    app.users.records.set(EMAIL, existingUser(EMAIL));
    try {
      const response = await app.post(EMAIL, pngImage(2, 2));
      expect(response.status).to.equal(409);
      expect(await errorOf(response)).to.include({
        code: 'conflict',
        message: `email ${EMAIL} is already registered`,
      });
    } finally {
      await app.close();
    }
  });

  it('answers 503 when the write times out, keeping the object until its check runs', async () => {
    const app = await startApp(sizes);
    app.users.failCreate = new TimedOut('socket timeout');
    try {
      const response = await app.post(EMAIL, pngImage(2, 2));
      expect(response.status).to.equal(503);
      expect(response.headers.get('retry-after')).to.equal('5');
      expect(await errorOf(response)).to.include({
        code: 'dependency_unavailable',
        message: 'DynamoDB is unavailable, try again later',
      });
      expect([...app.avatars.objects.keys()]).to.deep.equal(['avatars/1.png']);
      expect(app.cleanup.pending()).to.equal(1);
      // Once it runs, the check finds no user referencing the object and deletes it.
      await app.cleanup.drain(1000);
      expect(app.avatars.objects.size).to.equal(0);
    } finally {
      await app.close();
    }
  });

  it('answers 503 upload_capacity when the /tmp spool is full, and stores nothing', async () => {
    const app = await startApp({ AVATAR_MAX_BYTES: 64 * 1024, UPLOAD_TMP_MAX_BYTES: 1024 });
    try {
      const response = await app.post(EMAIL, pngImage(40, 40, true));
      expect(response.status).to.equal(503);
      expect(response.headers.get('retry-after')).to.equal('1');
      expect((await errorOf(response)).code).to.equal('upload_capacity');
      expect(app.avatars.objects.size).to.equal(0);
      expect(app.users.records.size).to.equal(0);
    } finally {
      await app.close();
    }
  });
});
