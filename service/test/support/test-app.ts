// Starts the real app on a loopback port with real AWS clients against the test resources.
// Any dependency can be replaced, which is how failures are injected.
import { pino } from 'pino';
import type { AppDependencies } from '../../src/app-dependencies.ts';
import { createApp } from '../../src/app.ts';
import type { GeoLookup } from '../../src/geo/geo-reader.ts';
import { wireDependencies } from '../../src/wiring.ts';
import {
  shutdownState,
  startHttpServer,
  type RunningServer,
} from '../../src/lifecycle/http-server.ts';
import { createTestResources, TEST_AWS_TIMEOUTS, type TestResources } from './resources.ts';

export const TEST_API_KEY = 'test-key-0123456789abcdef';

export const noGeo: GeoLookup = {
  lookup: () => ({ ok: true, location: { city: '', state: '' } }),
  status: () => ({ ok: true }),
};

export interface TestApp {
  url: string;
  deps: AppDependencies;
  running: RunningServer;
  close(): Promise<void>;
}

export function defaultDependencies(resources: TestResources): AppDependencies {
  return wireDependencies({
    config: {
      TRUST_PROXY: false,
      AVATAR_MAX_BYTES: 5 * 1024 * 1024,
      UPLOAD_TMP_MAX_BYTES: 128 * 1024 * 1024,
      AVATAR_URL_MODE: 'presigned',
      AVATAR_URL_TTL: 900,
      API_KEY: TEST_API_KEY,
      AWS_REGION: resources.region,
      AWS_ENDPOINT_URL: resources.emulator.endpoint,
      S3_PUBLIC_ENDPOINT: undefined,
      USERS_TABLE: resources.usersTable,
      STATE_TABLE: resources.stateTable,
      AVATARS_BUCKET: resources.bucket,
      ...TEST_AWS_TIMEOUTS,
    },
    clients: resources.clients,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    geo: noGeo,
    lifecycle: { isShuttingDown: () => false },
    readinessCacheMs: 0,
    // Tests wait for the check: no in-doubt call of theirs outlives its 300 ms timeouts.
    settleMs: 100,
  });
}

/**
 * Per-suite setup of an integration test: its own tables and bucket (or the given ones) and a
 * running app, torn down after the suite. Call inside `describe`; read the getters in tests.
 */
export function useIntegrationApp(): { readonly resources: TestResources; readonly app: TestApp } {
  let resources: TestResources | undefined;
  let app: TestApp | undefined;
  before(async function () {
    this.timeout(120_000);
    resources = await createTestResources();
    app = await startTestApp(resources);
  });
  after(async () => {
    await app?.close();
    await resources?.dispose();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the integration suite is not set up');
    return value;
  };
  return {
    get resources() {
      return ready(resources);
    },
    get app() {
      return ready(app);
    },
  };
}

export async function startTestApp(
  resources: TestResources,
  override: (deps: AppDependencies) => Partial<AppDependencies> = () => ({}),
): Promise<TestApp> {
  const base = defaultDependencies(resources);
  const state = shutdownState();
  const deps: AppDependencies = { ...base, lifecycle: state, ...override(base) };
  const { koa } = createApp(deps, '0.0.0-test');
  const running = await startHttpServer(koa, { port: 0, host: '127.0.0.1', state });
  return {
    url: `http://127.0.0.1:${running.port}`,
    deps,
    running,
    close: async () => {
      await running.shutdown(2000);
    },
  };
}
