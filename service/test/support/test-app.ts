// Starts the real app on a loopback port with real AWS clients against the test resources.
// Any dependency can be replaced, which is how failures are injected.
import { pino } from 'pino';
import type { AppDependencies, AppSettings } from '../../src/app-dependencies.ts';
import { createApp } from '../../src/app.ts';
import { AvatarStore } from '../../src/aws/avatar-store.ts';
import { awsDependencyChecker } from '../../src/aws/readiness.ts';
import { StateRepository } from '../../src/aws/state-repository.ts';
import { UsersRepository } from '../../src/aws/users-repository.ts';
import { AvatarCleanup, cleanupPorts } from '../../src/domain/avatar-cleanup.ts';
import { StateService } from '../../src/domain/state-service.ts';
import type { GeoLookup } from '../../src/geo/geo-reader.ts';
import { createMetrics } from '../../src/http/metrics.ts';
import {
  shutdownState,
  startHttpServer,
  type RunningServer,
} from '../../src/lifecycle/http-server.ts';
import { createTestResources, type TestResources } from './resources.ts';

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
  const { clients } = resources;
  const users = new UsersRepository(clients.dynamo, resources.usersTable);
  const avatars = new AvatarStore({
    s3: clients.s3,
    s3Public: clients.s3Public,
    bucket: resources.bucket,
    region: resources.region,
    publicEndpoint: resources.emulator.endpoint,
  });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const settings: AppSettings = {
    TRUST_PROXY: false,
    AVATAR_MAX_BYTES: 5 * 1024 * 1024,
    AVATAR_URL_MODE: 'presigned',
    AVATAR_URL_TTL: 900,
    API_KEY: TEST_API_KEY,
  };
  return {
    settings,
    logger,
    clock: { now: () => new Date() },
    startedAt: new Date(),
    lifecycle: { isShuttingDown: () => false },
    metrics: createMetrics(),
    users,
    avatars,
    cleanup: new AvatarCleanup({
      ports: cleanupPorts(users, avatars),
      logger,
      settleMs: 100,
    }),
    state: new StateService({
      repository: new StateRepository(clients.dynamo, resources.stateTable),
      now: () => new Date(),
    }),
    geo: noGeo,
    readiness: awsDependencyChecker({
      dynamo: clients.dynamoBase,
      s3: clients.s3,
      usersTable: resources.usersTable,
      stateTable: resources.stateTable,
      bucket: resources.bucket,
    }),
  };
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
