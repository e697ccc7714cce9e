import { createServer, type AddressInfo, type Socket } from 'node:net';
import { expect } from 'chai';
import { createAwsClients } from '../../src/aws/clients.ts';
import { UsersRepository } from '../../src/aws/users-repository.ts';
import { startTestApp, useIntegrationApp } from '../support/test-app.ts';
import { awsDependencyChecker } from '../../src/aws/readiness.ts';

describe('system endpoints (integration)', function () {
  const suite = useIntegrationApp();

  it('GET /status answers exactly {"result":"success"}', async () => {
    const response = await fetch(`${suite.app.url}/status`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    expect(await response.text()).to.equal('{"result":"success"}');
  });

  it('GET /health answers 200 without touching a dependency', async () => {
    const broken = await startTestApp(suite.resources, () => ({
      readiness: { check: () => Promise.reject(new Error('must not be called')) },
    }));
    try {
      const response = await fetch(`${broken.url}/health`);
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.equal({ status: 'ok' });
    } finally {
      await broken.close();
    }
  });

  it('GET /ready answers 200 with every check ok when the tables and bucket exist', async () => {
    const response = await fetch(`${suite.app.url}/ready`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({
      status: 'ready',
      checks: { users_table: 'ok', state_table: 'ok', avatars_bucket: 'ok', geoip: 'ok' },
    });
  });

  it('GET /ready answers 503 naming each failing dependency', async () => {
    const broken = await startTestApp(suite.resources, () => ({
      readiness: awsDependencyChecker({
        dynamo: suite.resources.clients.dynamoBase,
        s3: suite.resources.clients.s3,
        usersTable: 'no-such-users-table',
        stateTable: suite.resources.stateTable,
        bucket: 'no-such-bucket-sre-kit',
      }),
    }));
    try {
      const response = await fetch(`${broken.url}/ready`);
      expect(response.status).to.equal(503);
      const body = (await response.json()) as {
        error: { code: string; message: string };
        checks: Record<string, string>;
      };
      expect(body.error.code).to.equal('not_ready');
      expect(body.error.message).to.equal('unavailable: users_table, avatars_bucket');
      expect(body.checks.state_table).to.equal('ok');
      expect(body.checks.users_table).to.not.equal('ok');
      expect(body.checks.avatars_bucket).to.not.equal('ok');
    } finally {
      await broken.close();
    }
  });

  it('GET /metrics exposes process metrics and the request histogram by route template', async () => {
    // Each body is read: a streamed one (the stylesheet) is timed and counted when it ends.
    for (const path of ['/status', '/swagger/swagger-ui.css', '/no/such/path']) {
      await (await fetch(`${suite.app.url}${path}`)).arrayBuffer();
    }
    const response = await fetch(`${suite.app.url}/metrics`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/plain/);
    const text = await response.text();
    expect(text).to.include('process_cpu_seconds_total');
    expect(text).to.match(
      /http_request_duration_seconds_bucket\{[^}]*route="\/status"[^}]*method="GET"[^}]*status="200"/,
    );
    expect(text).to.match(/route="\/swagger\/:asset"/);
    expect(text).to.match(/route="unmatched"[^}]*status="404"/);
    expect(text).to.not.include('/no/such/path');
  });

  it('answers an unknown path with a JSON 404', async () => {
    const response = await fetch(`${suite.app.url}/nope`);
    expect(response.status).to.equal(404);
    const body = (await response.json()) as { error: Record<string, string> };
    expect(Object.keys(body)).to.deep.equal(['error']);
    expect(Object.keys(body.error).sort()).to.deep.equal(['code', 'message', 'request_id']);
    expect(body.error.code).to.equal('not_found');
  });

  it('answers a wrong method with 405, an Allow header and the JSON error', async () => {
    const response = await fetch(`${suite.app.url}/status`, { method: 'DELETE' });
    expect(response.status).to.equal(405);
    expect(response.headers.get('allow')).to.include('GET');
    expect(((await response.json()) as { error: { code: string } }).error.code).to.equal(
      'method_not_allowed',
    );
    const post = await fetch(`${suite.app.url}/users`, { method: 'POST' });
    expect(post.status).to.equal(405);
  });

  it('echoes a sane X-Request-Id, and generates one otherwise', async () => {
    const given = await fetch(`${suite.app.url}/nope`, { headers: { 'X-Request-Id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).to.equal('abc-123');
    expect(((await given.json()) as { error: { request_id: string } }).error.request_id).to.equal(
      'abc-123',
    );
    const hostile = await fetch(`${suite.app.url}/status`, {
      headers: { 'X-Request-Id': 'a b<script>' },
    });
    expect(hostile.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('sets the API security headers on every response, and a page policy on Swagger UI', async () => {
    for (const path of ['/status', '/users', '/no-such-path']) {
      const response = await fetch(`${suite.app.url}${path}`);
      expect(response.headers.get('x-content-type-options'), path).to.equal('nosniff');
      expect(response.headers.get('x-frame-options'), path).to.equal('DENY');
      expect(response.headers.get('cache-control'), path).to.equal('no-store');
      expect(response.headers.get('cross-origin-resource-policy'), path).to.equal('same-origin');
      expect(response.headers.get('content-security-policy'), path).to.equal(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(response.headers.get('x-powered-by'), path).to.equal(null);
    }
    const page = await fetch(`${suite.app.url}/swagger`);
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).to.include("default-src 'self'").and.include("frame-ancestors 'none'");
    expect(policy).not.to.include('unsafe-eval');
    expect(page.headers.get('referrer-policy')).to.equal('no-referrer');
    expect(page.headers.get('cross-origin-opener-policy')).to.equal('same-origin');
    expect(page.headers.get('x-content-type-options')).to.equal('nosniff');
  });

  it('fails fast with 503 when AWS accepts connections but never answers', async function () {
    this.timeout(20_000);
    // A black hole on loopback: it accepts TCP connections and never says a word.
    const sockets = new Set<Socket>();
    const blackHole = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as AddressInfo;
    const stuck = createAwsClients({
      AWS_REGION: suite.resources.region,
      AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      S3_PUBLIC_ENDPOINT: undefined,
      AWS_CONNECT_TIMEOUT_MS: 500,
      AWS_REQUEST_TIMEOUT_MS: 500,
    });
    const hung = await startTestApp(suite.resources, () => ({
      users: new UsersRepository(stuck.dynamo, suite.resources.usersTable),
    }));
    try {
      const started = Date.now();
      const response = await fetch(`${hung.url}/users?limit=1`);
      const elapsed = Date.now() - started;
      expect(response.status).to.equal(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).to.equal(
        'dependency_unavailable',
      );
      // Two attempts of 500 ms each, plus the retry backoff: well under the 5 s default.
      expect(elapsed).to.be.below(3000);
    } finally {
      await hung.close();
      stuck.destroy();
      for (const socket of sockets) socket.destroy();
      blackHole.close();
    }
  });

  it('hides internal errors behind a generic 500', async () => {
    const broken = await startTestApp(suite.resources, () => ({
      geo: {
        lookup: () => {
          throw new TypeError('secret internal detail');
        },
        status: () => ({ ok: true }),
      },
    }));
    try {
      const response = await fetch(`${broken.url}/ip`);
      expect(response.status).to.equal(500);
      const text = await response.text();
      expect(text).to.not.include('secret');
      expect(text).to.not.include('at ');
      expect(JSON.parse(text)).to.have.nested.property('error.code', 'internal_error');
    } finally {
      await broken.close();
    }
  });

  it('serves the OpenAPI document and Swagger UI from local assets', async () => {
    const spec = await fetch(`${suite.app.url}/openapi.json`);
    expect(spec.status).to.equal(200);
    expect(((await spec.json()) as { openapi: string }).openapi).to.equal('3.1.0');
    const page = await fetch(`${suite.app.url}/swagger`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    const html = await page.text();
    expect(html).to.include('/swagger/swagger-ui-bundle.js');
    expect(html).to.not.match(/https?:\/\//);
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-initializer.js']) {
      const response = await fetch(`${suite.app.url}/swagger/${asset}`);
      expect(response.status, asset).to.equal(200);
      expect((await response.arrayBuffer()).byteLength, asset).to.be.greaterThan(100);
    }
    expect((await fetch(`${suite.app.url}/swagger/..%2Fpackage.json`)).status).to.equal(404);
  });
});
