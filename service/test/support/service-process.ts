// The service as its own process, started with the command of package.json "start" on the
// sources (src/*.ts instead of dist/*.js): the preload, the loader hook and main.ts as they run
// in the image. For the tests that need a whole process (tracing, which hooks module loading).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TestResources } from './resources.ts';

const SERVICE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** package.json "start" with dist/…js replaced by src/…ts. */
export function startCommandOnSources(): string[] {
  const pkg = JSON.parse(
    readFileSync(new URL('package.json', `file://${SERVICE_DIR}`), 'utf8'),
  ) as {
    scripts: { start: string };
  };
  const [bin, ...args] = pkg.scripts.start.split(' ');
  if (bin !== 'node') throw new Error('package.json "start" must be `node <args>`');
  return args.map((arg) => arg.replace(/dist\/(.*)\.js$/, 'src/$1.ts'));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
  });
}

/** The env contract's AWS part for the emulator and the resources of a test run. */
export function resourcesEnv(resources: TestResources): Record<string, string> {
  return {
    AWS_REGION: resources.region,
    AWS_ENDPOINT_URL: resources.emulator.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    USERS_TABLE: resources.usersTable,
    STATE_TABLE: resources.stateTable,
    AVATARS_BUCKET: resources.bucket,
  };
}

export interface ServiceProcess {
  url: string;
  pid: number;
  /** Every JSON line the process wrote to stdout so far. */
  logLines(): Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startServiceProcess(
  resources: TestResources,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, startCommandOnSources(), {
    cwd: SERVICE_DIR,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      ...resourcesEnv(resources),
      LOG_LEVEL: 'debug',
      // Under c8 the process writes its coverage too (it exits through process.exit on SIGTERM).
      ...(process.env.NODE_V8_COVERAGE ? { NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited: ${output}`);
    try {
      const res = await fetch(`${url}/health`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the service did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid ?? 0,
    logLines: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
