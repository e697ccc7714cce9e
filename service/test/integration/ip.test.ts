import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { defaultGeoDatabasePaths, openGeoLookup } from '../../src/geo/geo-reader.ts';
import { createTestResources, type TestResources } from '../support/resources.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('GET /ip (integration)', function () {
  let resources: TestResources;
  let app: TestApp;
  let scratch: string;

  before(async function () {
    this.timeout(120_000);
    resources = await createTestResources();
    const geo = await openGeoLookup(defaultGeoDatabasePaths());
    app = await startTestApp(resources, (deps) => ({
      geo,
      settings: { ...deps.settings, TRUST_PROXY: true },
    }));
    scratch = await mkdtemp(join(tmpdir(), 'sre-kit-geo-'));
  });
  after(async () => {
    await app?.close();
    await resources?.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  it('locates an X-Forwarded-For address with the default DB-IP database (TRUST_PROXY=true)', async () => {
    const response = await fetch(`${app.url}/ip`, { headers: { 'X-Forwarded-For': '8.8.8.8' } });
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({
      ip: '8.8.8.8',
      city: 'Mountain View',
      state: 'California',
    });
  });

  it('locates IPv6 addresses too', async () => {
    const response = await fetch(`${app.url}/ip`, {
      headers: { 'X-Forwarded-For': '2001:4860:4860::8888' },
    });
    const body = (await response.json()) as { city: string; state: string };
    expect(response.status).to.equal(200);
    expect(body.city).to.be.a('string').and.not.equal('');
  });

  it('answers empty city and state for an address with no record (the loopback peer)', async () => {
    const response = await fetch(`${app.url}/ip`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ ip: '127.0.0.1', city: '', state: '' });
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is on', async () => {
    const strict = await startTestApp(resources, (deps) => ({
      geo: app.deps.geo,
      settings: { ...deps.settings },
    }));
    try {
      const response = await fetch(`${strict.url}/ip`, {
        headers: { 'X-Forwarded-For': '8.8.8.8' },
      });
      expect(await response.json()).to.deep.equal({ ip: '127.0.0.1', city: '', state: '' });
    } finally {
      await strict.close();
    }
  });

  for (const [label, prepare] of [
    ['missing', (dir: string) => Promise.resolve(join(dir, 'absent.mmdb'))],
    [
      'corrupt',
      async (dir: string) => {
        const path = join(dir, 'corrupt.mmdb');
        await writeFile(path, randomBytes(4096));
        return path;
      },
    ],
  ] as const) {
    it(`answers 503 with a clear error when the database is ${label}, and /ready reports it`, async () => {
      const geo = await openGeoLookup([await prepare(scratch)]);
      const broken = await startTestApp(resources, () => ({ geo }));
      try {
        const response = await fetch(`${broken.url}/ip`);
        expect(response.status).to.equal(503);
        const error = ((await response.json()) as { error: { code: string; message: string } })
          .error;
        expect(error).to.include({
          code: 'geoip_unavailable',
          message: 'the GeoIP database is unavailable',
        });
        const ready = await fetch(`${broken.url}/ready`);
        expect(ready.status).to.equal(200);
        const body = (await ready.json()) as { status: string; checks: Record<string, string> };
        expect(body.status).to.equal('degraded');
        expect(body.checks.geoip).to.match(/GeoIP database unavailable/);
        expect((await fetch(`${broken.url}/status`)).status).to.equal(200);
      } finally {
        await broken.close();
      }
    });
  }
});
