import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { createTestResources, type TestResources } from '../support/resources.ts';
import { startTestApp } from '../support/test-app.ts';
import { resourcesEnv } from '../support/service-process.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

interface Exit {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs the real entry point; `whenListening` runs once it logs that it listens. */
function runService(
  env: Record<string, string>,
  whenListening?: (port: number, child: ReturnType<typeof spawn>) => void,
): Promise<Exit> {
  const started = Date.now();
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    const match = /"port":(\d+)[^\n]*"msg":"listening"/.exec(output);
    if (match && whenListening) {
      const callback = whenListening;
      whenListening = undefined;
      callback(Number(match[1]), child);
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

describe('process lifecycle (integration)', function () {
  this.timeout(60_000);
  let resources: TestResources;

  before(async function () {
    this.timeout(120_000);
    resources = await createTestResources();
  });
  after(async () => {
    await resources?.dispose();
  });

  it('exits 1 with one message listing every bad variable', async () => {
    const result = await runService({ PORT: 'x', AVATAR_URL_MODE: 'open', TRUST_PROXY: 'perhaps' });
    expect(result.code).to.equal(1);
    const lines = result.output.trim().split('\n');
    expect(lines).to.have.length(1);
    const log = JSON.parse(lines[0]!) as { msg: string; problems: string[] };
    expect(log.msg).to.match(/^invalid configuration: /);
    for (const name of [
      'PORT',
      'AVATAR_URL_MODE',
      'TRUST_PROXY',
      'USERS_TABLE',
      'STATE_TABLE',
      'AVATARS_BUCKET',
    ]) {
      expect(log.msg).to.include(name);
    }
  });

  it('on SIGTERM finishes in-flight requests, then exits 0 within SHUTDOWN_TIMEOUT_MS', async () => {
    let inFlight: Promise<number> | undefined;
    const result = await runService(
      {
        PORT: '0',
        ...resourcesEnv(resources),
        GEOIP_DB_PATH: '/nonexistent.mmdb',
        SHUTDOWN_TIMEOUT_MS: '5000',
      },
      (port, child) => {
        // /users reads the table: a real request in flight when the signal arrives.
        inFlight = fetch(`http://127.0.0.1:${port}/users`).then((response) => response.status);
        setTimeout(() => child.kill('SIGTERM'), 5);
      },
    );
    expect(result.code, result.output).to.equal(0);
    expect(await inFlight).to.equal(200);
    expect(result.output).to.include('"msg":"shutting down"');
    expect(result.output).to.include('"drained":true');
  });

  it('turns /ready to 503 as soon as shutdown starts', async () => {
    const app = await startTestApp(resources, () => ({
      lifecycle: { isShuttingDown: () => true },
    }));
    try {
      const response = await fetch(`${app.url}/ready`);
      expect(response.status).to.equal(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).to.equal(
        'shutting_down',
      );
      expect((await fetch(`${app.url}/health`)).status).to.equal(200);
    } finally {
      await app.close();
    }
  });

  it('refuses new connections once shutting down, while a slow request still completes', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const app = await startTestApp(resources, () => ({
      readiness: {
        check: async () => {
          await gate;
          return { users_table: { ok: true } };
        },
      },
    }));
    const slow = fetch(`${app.url}/ready`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const drained = app.running.shutdown(5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await fetch(`${app.url}/status`).then(
      () => false,
      () => true,
    );
    release();
    expect((await slow).status).to.equal(200);
    expect(refused).to.equal(true);
    expect(await drained).to.equal(true);
  });
});
