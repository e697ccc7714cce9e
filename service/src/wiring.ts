// Builds the app's dependencies from AWS clients and the env contract. The process entry and the
// test harness both use it, so the tests exercise the same wiring the service runs with; tests
// then replace single pieces to inject failures.
import type { Logger } from 'pino';
import type {
  AppDependencies,
  AppSettings,
  Lifecycle,
  RequestTracing,
} from './app-dependencies.ts';
import { AvatarStore } from './aws/avatar-store.ts';
import type { AwsClients } from './aws/clients.ts';
import { isDefinitiveFailure } from './aws/failures.ts';
import { awsDependencyChecker, cachedChecker } from './aws/readiness.ts';
import { StateRepository } from './aws/state-repository.ts';
import { UsersRepository } from './aws/users-repository.ts';
import type { Config } from './config.ts';
import { AvatarCleanup, cleanupPorts } from './domain/avatar-cleanup.ts';
import { StateService } from './domain/state-service.ts';
import type { GeoLookup } from './geo/geo-reader.ts';
import { createMetrics, exposeGauge } from './http/metrics.ts';

export type WiringConfig = AppSettings &
  Pick<
    Config,
    | 'AWS_REGION'
    | 'AWS_ENDPOINT_URL'
    | 'S3_PUBLIC_ENDPOINT'
    | 'USERS_TABLE'
    | 'STATE_TABLE'
    | 'AVATARS_BUCKET'
    | 'AWS_CONNECT_TIMEOUT_MS'
    | 'AWS_REQUEST_TIMEOUT_MS'
  >;

export interface WiringOptions {
  config: WiringConfig;
  clients: AwsClients;
  logger: Logger;
  geo: GeoLookup;
  lifecycle: Lifecycle;
  /** How long /ready reuses a dependency check (0: never). */
  readinessCacheMs: number;
  /** Delay before an in-doubt upload is checked; default: longer than its AWS calls can take. */
  settleMs?: number;
  /** When tracing is on (telemetry/tracing.ts). */
  tracing?: RequestTracing;
}

export function wireDependencies(options: WiringOptions): AppDependencies {
  const { config, clients, logger } = options;
  const users = new UsersRepository(clients.dynamo, config.USERS_TABLE);
  const avatars = new AvatarStore({
    s3: clients.s3,
    s3Public: clients.s3Public,
    bucket: config.AVATARS_BUCKET,
    region: config.AWS_REGION,
    publicEndpoint: config.S3_PUBLIC_ENDPOINT ?? config.AWS_ENDPOINT_URL,
  });
  const cleanup = new AvatarCleanup({
    ports: cleanupPorts(users, avatars),
    logger,
    // An in-doubt call settles within its attempts' timeouts (2 attempts, plus backoff).
    settleMs:
      options.settleMs ??
      2 * (config.AWS_CONNECT_TIMEOUT_MS + config.AWS_REQUEST_TIMEOUT_MS) + 1000,
  });
  const metrics = createMetrics();
  exposeGauge(
    metrics,
    'avatar_cleanup_pending',
    'In-doubt avatar uploads still to be checked',
    () => cleanup.pending(),
  );
  const readiness = awsDependencyChecker({
    dynamo: clients.dynamoBase,
    s3: clients.s3,
    usersTable: config.USERS_TABLE,
    stateTable: config.STATE_TABLE,
    bucket: config.AVATARS_BUCKET,
  });
  return {
    settings: config,
    logger,
    clock: { now: () => new Date() },
    startedAt: new Date(),
    lifecycle: options.lifecycle,
    metrics,
    users,
    avatars,
    cleanup,
    isDefinitiveFailure,
    state: new StateService({
      repository: new StateRepository(clients.dynamo, config.STATE_TABLE),
      now: () => new Date(),
    }),
    geo: options.geo,
    readiness:
      options.readinessCacheMs > 0 ? cachedChecker(readiness, options.readinessCacheMs) : readiness,
    ...(options.tracing ? { tracing: options.tracing } : {}),
  };
}
