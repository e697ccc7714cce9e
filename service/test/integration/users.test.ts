import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { expect } from 'chai';
import { pino } from 'pino';
import { createAwsClients } from '../../src/aws/clients.ts';
import { AvatarStore } from '../../src/aws/avatar-store.ts';
import { UsersRepository } from '../../src/aws/users-repository.ts';
import { startTestApp, useIntegrationApp, type TestApp } from '../support/test-app.ts';
import { gifBytes, jpegBytes, pngImage, svgBytes, webpBytes } from '../support/images.ts';

interface User {
  avatar_url: string;
  email: string;
  name: string;
}

const uniqueEmail = () => `user-${randomUUID()}@example.com`;

function form(
  fields: Record<string, string>,
  avatar?: { bytes: Buffer; type?: string; name?: string },
) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  if (avatar) {
    body.append(
      'avatar',
      new Blob([avatar.bytes], { type: avatar.type ?? 'image/png' }),
      avatar.name ?? 'a.png',
    );
  }
  return body;
}

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

describe('users (integration)', function () {
  const suite = useIntegrationApp();

  const post = (body: FormData, base = suite.app.url) =>
    fetch(`${base}/user`, { method: 'POST', body });
  const avatarKeys = async () => {
    const listed = await suite.resources.clients.s3.send(
      new ListObjectsV2Command({ Bucket: suite.resources.bucket, Prefix: 'avatars/' }),
    );
    return (listed.Contents ?? []).map((object) => object.Key ?? '');
  };
  const storedUser = async (email: string) =>
    (
      await suite.resources.clients.dynamo.send(
        new GetCommand({
          TableName: suite.resources.usersTable,
          Key: { email },
          ConsistentRead: true,
        }),
      )
    ).Item;

  it('POST /user creates a user whose presigned avatar URL serves the image with its type', async () => {
    const email = uniqueEmail();
    const image = pngImage(4, 4);
    const response = await post(
      form({ name: '  Ada Lovelace ', email: email.toUpperCase() }, { bytes: image }),
    );
    expect(response.status).to.equal(201);
    const user = (await response.json()) as User;
    expect(Object.keys(user).sort()).to.deep.equal(['avatar_url', 'email', 'name']);
    expect(user).to.include({ email, name: 'Ada Lovelace' });
    expect(user.avatar_url).to.match(/X-Amz-Signature=/);

    const avatar = await fetch(user.avatar_url);
    expect(avatar.status).to.equal(200);
    expect(avatar.headers.get('content-type')).to.equal('image/png');
    expect(Buffer.from(await avatar.arrayBuffer()).equals(image)).to.equal(true);

    const item = await storedUser(email);
    expect(item).to.include({ email, name: 'Ada Lovelace', avatar_content_type: 'image/png' });
    expect(item?.avatar_key).to.match(/^avatars\/[0-9a-f-]{36}\.png$/);
    expect(item?.avatar_url).to.equal(
      `${suite.resources.emulator.endpoint}/${suite.resources.bucket}/${String(item?.avatar_key)}`,
    );
    expect(item?.created_at).to.match(/^\d{4}-\d\d-\d\dT/);

    const list = await fetch(`${suite.app.url}/users`);
    expect(list.status).to.equal(200);
    const users = (await list.json()) as User[];
    expect(users.find((candidate) => candidate.email === email)).to.include({
      name: 'Ada Lovelace',
    });
  });

  it('decides the type by magic bytes, whatever the client claims', async () => {
    for (const [bytes, extension, type] of [
      [jpegBytes(), 'jpg', 'image/jpeg'],
      [gifBytes(), 'gif', 'image/gif'],
      [webpBytes(), 'webp', 'image/webp'],
    ] as const) {
      const email = uniqueEmail();
      const response = await post(
        form({ name: 'N', email }, { bytes, type: 'text/plain', name: 'x.txt' }),
      );
      expect(response.status, type).to.equal(201);
      const item = await storedUser(email);
      expect(item?.avatar_key).to.match(new RegExp(`\\.${extension}$`));
      expect(item?.avatar_content_type).to.equal(type);
    }
  });

  it('rejects SVG and other non-images with 415, even when they claim to be PNG', async () => {
    const before = await avatarKeys();
    const email = uniqueEmail();
    const svg = await post(form({ name: 'N', email }, { bytes: svgBytes(), type: 'image/png' }));
    expect(svg.status).to.equal(415);
    expect((await errorOf(svg)).code).to.equal('unsupported_media_type');
    const text = await post(form({ name: 'N', email }, { bytes: Buffer.from('just text here') }));
    expect(text.status).to.equal(415);
    expect(await storedUser(email)).to.equal(undefined);
    expect(await avatarKeys()).to.deep.equal(before);
  });

  it('answers 415 when the body is not multipart/form-data', async () => {
    const response = await fetch(`${suite.app.url}/user`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'N', email: uniqueEmail() }),
    });
    expect(response.status).to.equal(415);
  });

  for (const [label, fields, withAvatar, field] of [
    ['a missing name', { email: 'x@example.com' }, true, 'name'],
    ['a blank name', { name: '   ', email: 'x@example.com' }, true, 'name'],
    ['a name over 100 characters', { name: 'n'.repeat(101), email: 'x@example.com' }, true, 'name'],
    ['a missing email', { name: 'N' }, true, 'email'],
    ['an invalid email', { name: 'N', email: 'not-an-email' }, true, 'email'],
    ['a missing avatar', { name: 'N', email: 'x@example.com' }, false, 'avatar'],
    [
      'an avatar sent as text',
      { name: 'N', email: 'x@example.com', avatar: 'abc' },
      false,
      'avatar',
    ],
  ] as const) {
    it(`answers 400 naming the field for ${label}`, async () => {
      const response = await post(form(fields, withAvatar ? { bytes: pngImage() } : undefined));
      expect(response.status).to.equal(400);
      const error = await errorOf(response);
      expect(error.code).to.equal('validation_failed');
      expect(error.message).to.match(new RegExp(`\\b${field}\\b`));
    });
  }

  it('answers 400 for a malformed multipart body', async () => {
    const response = await fetch(`${suite.app.url}/user`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' },
      body: '--xyz\r\nContent-Disposition: form-data; name="name"\r\n\r\nN\r\n--abc--',
    });
    expect(response.status).to.equal(400);
    expect((await errorOf(response)).code).to.equal('bad_request');
  });

  it('answers 400 for a form with more than its three fields or more than one file', async () => {
    const fields = form({ name: 'N', email: uniqueEmail() }, { bytes: pngImage() });
    for (let i = 0; i < 12; i++) fields.append(`extra${i}`, 'x');
    const tooMany = await post(fields);
    expect(tooMany.status).to.equal(400);
    expect((await errorOf(tooMany)).message).to.include('only the fields');
    const twoFiles = form({ name: 'N', email: uniqueEmail() }, { bytes: pngImage() });
    twoFiles.append('avatar', new Blob([pngImage()], { type: 'image/png' }), 'b.png');
    expect((await post(twoFiles)).status).to.equal(400);
  });

  it('answers 400 for an empty avatar file', async () => {
    const response = await post(
      form({ name: 'N', email: uniqueEmail() }, { bytes: Buffer.alloc(0) }),
    );
    expect(response.status).to.equal(400);
    expect((await errorOf(response)).message).to.include('avatar is empty');
  });

  it('answers 409 when the email is already registered', async () => {
    const email = uniqueEmail();
    expect((await post(form({ name: 'A', email }, { bytes: pngImage() }))).status).to.equal(201);
    const again = await post(
      form({ name: 'B', email: ` ${email.toUpperCase()} ` }, { bytes: pngImage() }),
    );
    expect(again.status).to.equal(409);
    expect((await errorOf(again)).code).to.equal('conflict');
    expect(await storedUser(email)).to.include({ name: 'A' });
  });

  it('creates exactly one user out of 20 parallel POSTs with one email, and no orphan object', async function () {
    this.timeout(60_000);
    const email = uniqueEmail();
    const before = (await avatarKeys()).length;
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(form({ name: `racer ${i}`, email }, { bytes: pngImage(2, 2) })).then(
          async (response) => {
            await response.arrayBuffer();
            return response.status;
          },
        ),
      ),
    );
    expect(statuses.filter((status) => status === 201)).to.have.length(1);
    expect(statuses.filter((status) => status === 409)).to.have.length(19);
    expect((await avatarKeys()).length).to.equal(before + 1);
    const item = await storedUser(email);
    expect(await avatarKeys()).to.include(item?.avatar_key);
  });

  it('deletes the uploaded object when the DynamoDB write fails (no orphan) and answers 503', async () => {
    const real = new UsersRepository(suite.resources.clients.dynamo, suite.resources.usersTable);
    class FailingWrites extends UsersRepository {
      override exists(email: string) {
        return real.exists(email);
      }
    }
    const broken = await startTestApp(suite.resources, () => ({
      // Writes go to a table that does not exist: a real DynamoDB error on the put.
      users: new FailingWrites(
        suite.resources.clients.dynamo,
        `${suite.resources.usersTable}-missing`,
      ),
    }));
    try {
      const before = await avatarKeys();
      const email = uniqueEmail();
      const response = await post(form({ name: 'N', email }, { bytes: pngImage() }), broken.url);
      expect(response.status).to.equal(503);
      expect((await errorOf(response)).code).to.equal('dependency_unavailable');
      expect(await avatarKeys()).to.deep.equal(before);
      expect(await storedUser(email)).to.equal(undefined);
    } finally {
      await broken.close();
    }
  });

  it('when the user write times out (in doubt), answers 503 and later deletes the object', async function () {
    this.timeout(20_000);
    // DynamoDB that accepts connections and never answers: the write's outcome is unknown.
    const sockets = new Set<Socket>();
    const blackHole = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const stuck = createAwsClients({
      AWS_REGION: suite.resources.region,
      AWS_ENDPOINT_URL: `http://127.0.0.1:${(blackHole.address() as AddressInfo).port}`,
      S3_PUBLIC_ENDPOINT: undefined,
      AWS_CONNECT_TIMEOUT_MS: 300,
      AWS_REQUEST_TIMEOUT_MS: 300,
    });
    const real = new UsersRepository(suite.resources.clients.dynamo, suite.resources.usersTable);
    class TimingOutWrites extends UsersRepository {
      override exists(email: string) {
        return real.exists(email);
      }
    }
    const broken = await startTestApp(suite.resources, () => ({
      users: new TimingOutWrites(stuck.dynamo, suite.resources.usersTable),
    }));
    try {
      const before = await avatarKeys();
      const email = uniqueEmail();
      const response = await post(form({ name: 'N', email }, { bytes: pngImage() }), broken.url);
      expect(response.status).to.equal(503);
      // The object stays until the check runs: deleting at once could strip a user whose
      // timed-out write landed after all.
      expect((await avatarKeys()).length).to.equal(before.length + 1);
      expect(broken.deps.cleanup.pending()).to.equal(1);
      const deadline = Date.now() + 10_000;
      while (broken.deps.cleanup.pending() > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(broken.deps.cleanup.pending()).to.equal(0);
      expect(await avatarKeys()).to.deep.equal(before);
      expect(await storedUser(email)).to.equal(undefined);
    } finally {
      await broken.close();
      stuck.destroy();
      for (const socket of sockets) socket.destroy();
      blackHole.close();
    }
  });

  it('writes no user when the upload fails, and answers 503', async () => {
    const broken = await startTestApp(suite.resources, () => ({
      avatars: new AvatarStore({
        s3: suite.resources.clients.s3,
        s3Public: suite.resources.clients.s3Public,
        bucket: 'no-such-bucket-sre-kit',
        region: suite.resources.region,
        publicEndpoint: suite.resources.emulator.endpoint,
      }),
    }));
    try {
      const email = uniqueEmail();
      const response = await post(form({ name: 'N', email }, { bytes: pngImage() }), broken.url);
      expect(response.status).to.equal(503);
      expect(await storedUser(email)).to.equal(undefined);
    } finally {
      await broken.close();
    }
  });

  it('returns the stored object URL with AVATAR_URL_MODE=public', async () => {
    const publicApp = await startTestApp(suite.resources, (deps) => ({
      settings: { ...deps.settings, AVATAR_URL_MODE: 'public' },
    }));
    try {
      const email = uniqueEmail();
      const response = await post(form({ name: 'N', email }, { bytes: pngImage() }), publicApp.url);
      expect(response.status).to.equal(201);
      const user = (await response.json()) as User;
      expect(user.avatar_url).to.equal((await storedUser(email))?.avatar_url);
      expect(user.avatar_url).to.not.include('X-Amz-');
    } finally {
      await publicApp.close();
    }
  });

  it('builds avatar URLs for S3_PUBLIC_ENDPOINT while talking to S3 at its private address', async () => {
    const publicEndpoint = 'http://localhost:45666';
    const { S3Client } = await import('@aws-sdk/client-s3');
    const browserS3 = new S3Client({
      region: suite.resources.region,
      endpoint: publicEndpoint,
      forcePathStyle: true,
    });
    const split = await startTestApp(suite.resources, () => ({
      avatars: new AvatarStore({
        s3: suite.resources.clients.s3,
        s3Public: browserS3,
        bucket: suite.resources.bucket,
        region: suite.resources.region,
        publicEndpoint,
      }),
    }));
    try {
      const email = uniqueEmail();
      const response = await post(form({ name: 'N', email }, { bytes: pngImage() }), split.url);
      expect(response.status).to.equal(201);
      const user = (await response.json()) as User;
      expect(
        user.avatar_url.startsWith(`${publicEndpoint}/${suite.resources.bucket}/avatars/`),
      ).to.equal(true);
      expect((await storedUser(email))?.avatar_url).to.match(new RegExp(`^${publicEndpoint}/`));
    } finally {
      browserS3.destroy();
      await split.close();
    }
  });

  it('pages with ?limit, a Link rel="next" header and an opaque cursor, never repeating a user', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await post(
        form({ name: `page ${i}`, email: uniqueEmail() }, { bytes: pngImage() }),
      );
      expect(response.status).to.equal(201);
    }
    const all = ((await (await fetch(`${suite.app.url}/users`)).json()) as User[]).map(
      (user) => user.email,
    );
    const seen: string[] = [];
    let next: string | undefined = '/users?limit=2';
    while (next) {
      const response = await fetch(`${suite.app.url}${next}`);
      expect(response.status).to.equal(200);
      const page = (await response.json()) as User[];
      expect(page.length).to.be.at.most(2);
      seen.push(...page.map((user) => user.email));
      const link = response.headers.get('link');
      next = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
      if (link) expect(next, link).to.be.a('string');
    }
    expect(new Set(seen).size).to.equal(seen.length);
    expect(seen.sort()).to.deep.equal(all.sort());
  });

  describe('GET /users without ?limit (streamed)', () => {
    const metricsOf = async (base: string) => (await fetch(`${base}/metrics`)).text();
    const abortedCount = (metrics: string, cause: string) =>
      Number(
        new RegExp(`^users_listing_aborted_total\\{cause="${cause}"\\} (\\d+)$`, 'm').exec(
          metrics,
        )?.[1] ?? 0,
      );
    /** The real table, read in pages of `size`; `onPage` runs before each read. */
    const pagedUsers = (size: number, onPage: (startKey: unknown) => Promise<void> | void) => {
      class SmallPages extends UsersRepository {
        override async page(
          limit: number,
          startKey: Record<string, string> | undefined,
          signal?: AbortSignal,
        ) {
          await onPage(startKey);
          return super.page(limit, startKey, signal);
        }
        override pages(_pageSize: number, signal?: AbortSignal) {
          return super.pages(size, signal);
        }
      }
      return new SmallPages(suite.resources.clients.dynamo, suite.resources.usersTable);
    };
    before(async () => {
      for (let i = 0; i < 5; i++) {
        const response = await post(
          form({ name: `stream ${i}`, email: uniqueEmail() }, { bytes: pngImage() }),
        );
        expect(response.status).to.equal(201);
      }
    });

    it('writes every user, page by page, as the bytes of one JSON array', async () => {
      let reads = 0;
      const paged = await startTestApp(suite.resources, () => ({
        users: pagedUsers(2, () => {
          reads++;
        }),
      }));
      try {
        const response = await fetch(`${paged.url}/users`);
        expect(response.status).to.equal(200);
        expect(response.headers.get('content-type')).to.equal('application/json; charset=utf-8');
        expect(response.headers.get('transfer-encoding')).to.equal('chunked');
        const text = await response.text();
        const users = JSON.parse(text) as User[];
        expect(text).to.equal(JSON.stringify(users));
        const stored = await suite.resources.clients.dynamo.send(
          new ScanCommand({ TableName: suite.resources.usersTable, Select: 'COUNT' }),
        );
        expect(users).to.have.length(stored.Count ?? -1);
        expect(reads).to.be.at.least(Math.ceil(users.length / 2));
        expect(new Set(users.map((user) => user.email)).size).to.equal(users.length);
        for (const user of users) {
          expect(Object.keys(user)).to.deep.equal(['avatar_url', 'email', 'name']);
        }
        const avatar = await fetch(users[0]?.avatar_url ?? '');
        expect(avatar.status).to.equal(200);
      } finally {
        await paged.close();
      }
    });

    it('answers 503 with a JSON error when the first page cannot be read', async () => {
      const broken = await startTestApp(suite.resources, () => ({
        users: new UsersRepository(
          suite.resources.clients.dynamo,
          `${suite.resources.usersTable}-missing`,
        ),
      }));
      try {
        const response = await fetch(`${broken.url}/users`);
        expect(response.status).to.equal(503);
        expect((await errorOf(response)).code).to.equal('dependency_unavailable');
      } finally {
        await broken.close();
      }
    });

    it('ends the response truncated when the table fails after the first page, and counts it', async () => {
      // Past the first page, reads go to a port where nothing listens: DynamoDB is gone.
      const gone = createServer();
      await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
      const deadPort = (gone.address() as AddressInfo).port;
      await new Promise((resolve) => gone.close(resolve));
      const dead = createAwsClients({
        AWS_REGION: suite.resources.region,
        AWS_ENDPOINT_URL: `http://127.0.0.1:${deadPort}`,
        S3_PUBLIC_ENDPOINT: undefined,
        AWS_CONNECT_TIMEOUT_MS: 300,
        AWS_REQUEST_TIMEOUT_MS: 300,
      });
      class DiesAfterFirstPage extends UsersRepository {
        override page(
          limit: number,
          startKey: Record<string, string> | undefined,
          signal?: AbortSignal,
        ) {
          if (!startKey) return super.page(limit, startKey, signal);
          return new UsersRepository(dead.dynamo, suite.resources.usersTable).page(
            limit,
            startKey,
            signal,
          );
        }
        override pages(_pageSize: number, signal?: AbortSignal) {
          return super.pages(2, signal);
        }
      }
      const logLines: string[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
      const failing = await startTestApp(suite.resources, () => ({
        users: new DiesAfterFirstPage(suite.resources.clients.dynamo, suite.resources.usersTable),
        logger,
      }));
      try {
        const { status, body, error } = await new Promise<{
          status: number;
          body: string;
          error: string;
        }>((resolve) => {
          request(`${failing.url}/users`, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('error', (err) => {
              resolve({ status: res.statusCode ?? 0, body, error: err.message });
            });
            res.on('end', () => {
              resolve({ status: res.statusCode ?? 0, body, error: '' });
            });
          }).end();
        });
        expect(status).to.equal(200);
        expect(error).to.equal('aborted');
        expect(body.startsWith('[{"avatar_url":')).to.equal(true);
        expect(() => JSON.parse(body) as unknown).to.throw(SyntaxError);
        // fetch, too, refuses the body instead of handing out a short list.
        const second = await fetch(`${failing.url}/users`);
        expect(second.status).to.equal(200);
        const failure = await second.text().then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(failure).to.be.instanceOf(TypeError);
        const metrics = await metricsOf(failing.url);
        expect(abortedCount(metrics, 'dependency_failed')).to.equal(2);
        expect(abortedCount(metrics, 'client_closed')).to.equal(0);
        // The access log tells the cut-off answers from complete ones, at error level.
        const listings = logLines
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .filter((entry) => entry.msg === 'request' && entry.route === '/users');
        expect(listings).to.have.length(2);
        for (const entry of listings) {
          expect(entry).to.include({ status: 200, truncated: true, level: 50 });
        }
      } finally {
        await failing.close();
        dead.destroy();
      }
    });

    it('stops reading the table when the client goes away', async function () {
      this.timeout(20_000);
      let reads = 0;
      class SlowPages extends UsersRepository {
        override async page(
          limit: number,
          startKey: Record<string, string> | undefined,
          signal?: AbortSignal,
        ) {
          reads++;
          // A slow table: each read after the first takes 200 ms more.
          if (startKey) await new Promise((resolve) => setTimeout(resolve, 200));
          return super.page(limit, startKey, signal);
        }
        override pages(_pageSize: number, signal?: AbortSignal) {
          return super.pages(1, signal);
        }
      }
      const slow = await startTestApp(suite.resources, () => ({
        users: new SlowPages(suite.resources.clients.dynamo, suite.resources.usersTable),
      }));
      try {
        const client = new AbortController();
        const response = await fetch(`${slow.url}/users`, { signal: client.signal });
        expect(response.status).to.equal(200);
        const reader = response.body?.getReader();
        expect((await reader?.read())?.done).to.equal(false);
        client.abort();
        await new Promise((resolve) => setTimeout(resolve, 500));
        const readsAfterAbort = reads;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        expect(reads).to.equal(readsAfterAbort);
        expect(reads).to.be.below(5);
        expect(abortedCount(await metricsOf(slow.url), 'client_closed')).to.equal(1);
      } finally {
        await slow.close();
      }
    });
  });

  it('answers 400 for a bad limit or cursor', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=x', 'limit=2&cursor=%%%', 'cursor=abc']) {
      const response = await fetch(`${suite.app.url}/users?${query}`);
      expect(response.status, query).to.equal(400);
    }
  });

  describe('temporary space for uploads in progress', () => {
    let spooled: TestApp;
    const avatarMax = 64 * 1024;
    before(async () => {
      spooled = await startTestApp(suite.resources, (deps) => ({
        settings: {
          ...deps.settings,
          AVATAR_MAX_BYTES: avatarMax,
          UPLOAD_TMP_MAX_BYTES: 96 * 1024,
        },
      }));
    });
    after(async () => spooled?.close());

    const spoolBytes = async () => {
      const text = await (await fetch(`${spooled.url}/metrics`)).text();
      return Number(/^avatar_upload_tmp_bytes (\d+)$/m.exec(text)?.[1]);
    };
    const waitForSpool = async (accept: (bytes: number) => boolean) => {
      for (let i = 0; i < 200; i++) {
        const bytes = await spoolBytes();
        if (accept(bytes)) return bytes;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(`avatar_upload_tmp_bytes stayed at ${await spoolBytes()}`);
    };

    it('refuses with 503 upload_capacity what does not fit beside a stalled upload, and frees its bytes when it goes', async function () {
      this.timeout(30_000);
      const tempBefore = await readdir(tmpdir());
      const keysBefore = await avatarKeys();
      // A client that sends 48 KiB of its avatar and then stalls, keeping its request open.
      const boundary = 'sre-kit-stalled';
      const stalled = request(`${spooled.url}/user`, {
        method: 'POST',
        headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      });
      stalled.on('error', () => undefined);
      stalled.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nN\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="avatar"; filename="a.png"\r\n` +
          `Content-Type: image/png\r\n\r\n`,
      );
      stalled.write(Buffer.concat([pngImage(), Buffer.alloc(48 * 1024 - pngImage().length)]));
      try {
        expect(await waitForSpool((bytes) => bytes >= 48 * 1024)).to.equal(48 * 1024);

        const email = uniqueEmail();
        const avatar = Buffer.concat([pngImage(), Buffer.alloc(60 * 1024)]);
        const refused = await post(form({ name: 'N', email }, { bytes: avatar }), spooled.url);
        expect(refused.status).to.equal(503);
        expect(refused.headers.get('retry-after')).to.equal('1');
        expect((await errorOf(refused)).code).to.equal('upload_capacity');
        expect(await storedUser(email)).to.equal(undefined);
        expect(await spoolBytes()).to.equal(48 * 1024);

        // A small upload still fits beside the stalled one: nothing waits in a queue.
        const small = await post(
          form({ name: 'N', email: uniqueEmail() }, { bytes: pngImage(8, 8) }),
          spooled.url,
        );
        expect(small.status).to.equal(201);
      } finally {
        stalled.destroy();
      }
      expect(await waitForSpool((bytes) => bytes === 0)).to.equal(0);
      // The client that hung up is counted as nginx's 499, not as a server error.
      const metrics = await (await fetch(`${spooled.url}/metrics`)).text();
      expect(metrics).to.match(
        /^http_request_duration_seconds_count\{route="\/user",method="POST",status="499"\} 1$/m,
      );
      expect(metrics).not.to.match(/^http_request_duration_seconds_count\{[^}]*status="500"\}/m);
      // The refusal is counted by reason, beside the budget it ran into.
      expect(metrics).to.match(/^avatar_uploads_refused_total\{reason="spool_full"\} 1$/m);
      expect(metrics).to.match(/^avatar_uploads_refused_total\{reason="no_space"\} 0$/m);
      expect(metrics).to.match(/^avatar_upload_tmp_limit_bytes 98304$/m);
      const email = uniqueEmail();
      const avatar = Buffer.concat([pngImage(), Buffer.alloc(60 * 1024)]);
      const accepted = await post(form({ name: 'N', email }, { bytes: avatar }), spooled.url);
      expect(accepted.status).to.equal(201);
      expect((await storedUser(email))?.avatar_key).to.be.a('string');
      expect((await avatarKeys()).length).to.equal(keysBefore.length + 2);
      expect(await spoolBytes()).to.equal(0);
      const leftovers = (await readdir(tmpdir())).filter((name) => !tempBefore.includes(name));
      expect(leftovers.filter((name) => /^[0-9a-f]{20,}/.test(name))).to.deep.equal([]);
    });
  });

  describe('size limit', () => {
    let small: TestApp;
    const limit = 64 * 1024;
    before(async () => {
      small = await startTestApp(suite.resources, (deps) => ({
        settings: { ...deps.settings, AVATAR_MAX_BYTES: limit },
      }));
    });
    after(async () => small?.close());

    it('answers 413 at once when Content-Length announces too much', async () => {
      const body = form({ name: 'N', email: uniqueEmail() }, { bytes: pngImage(200, 200, true) });
      const response = await post(body, small.url);
      expect(response.status).to.equal(413);
      expect((await errorOf(response)).code).to.equal('payload_too_large');
    });

    it('answers 413 to a streamed upload without buffering it, and leaves no temporary file', async function () {
      this.timeout(30_000);
      const tempBefore = await readdir(tmpdir());
      const boundary = 'sre-kit-boundary';
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nN\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\n${uniqueEmail()}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="avatar"; filename="big.png"\r\n` +
          `Content-Type: image/png\r\n\r\n`,
      );
      const chunk = Buffer.alloc(256 * 1024, 0x61);
      const memoryBefore = process.memoryUsage();
      const { status, sent } = await new Promise<{ status: number; sent: number }>(
        (resolve, reject) => {
          const req = request(`${small.url}/user`, {
            method: 'POST',
            headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
          });
          let sent = 0;
          let done = false;
          req.on('response', (res) => {
            done = true;
            res.resume();
            resolve({ status: res.statusCode ?? 0, sent });
            req.destroy();
          });
          req.on('error', (err) => {
            if (!done) reject(err);
          });
          req.write(Buffer.concat([head, pngImage()]));
          // Up to 64 MiB, a chunk at a time, until the server answers.
          const pump = () => {
            while (!done && sent < 64 * 1024 * 1024) {
              sent += chunk.length;
              if (!req.write(chunk)) {
                req.once('drain', pump);
                return;
              }
            }
            if (!done) req.end();
          };
          pump();
        },
      );
      const memoryAfter = process.memoryUsage();
      expect(status).to.equal(413);
      expect(sent).to.be.below(64 * 1024 * 1024);
      const grown =
        memoryAfter.heapUsed +
        memoryAfter.arrayBuffers -
        (memoryBefore.heapUsed + memoryBefore.arrayBuffers);
      expect(grown).to.be.below(16 * 1024 * 1024);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const leftovers = (await readdir(tmpdir())).filter((name) => !tempBefore.includes(name));
      expect(leftovers.filter((name) => /^[0-9a-f]{20,}/.test(name))).to.deep.equal([]);
    });

    it('still accepts an avatar under the limit', async () => {
      const response = await post(
        form({ name: 'N', email: uniqueEmail() }, { bytes: pngImage(8, 8) }),
        small.url,
      );
      expect(response.status).to.equal(201);
    });
  });
});
