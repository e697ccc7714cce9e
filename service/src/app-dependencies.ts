// What the app factory needs from the outside world. main.ts builds the real ones; tests build
// their own (real AWS clients against an emulator, a fixed clock, a fake geo reader, ...).
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { DependencyChecker } from './aws/readiness.ts';
import type { AvatarCleanup } from './domain/avatar-cleanup.ts';
import type { AvatarStorage, Clock, DefinitiveFailureCheck } from './domain/registration-ports.ts';
import type { StateService } from './domain/state-service.ts';
import type { UserListing, UserRecords } from './domain/users.ts';
import type { GeoLookup } from './geo/geo-reader.ts';
import type { Metrics } from './http/metrics.ts';

export type AppSettings = Pick<
  Config,
  | 'TRUST_PROXY'
  | 'AVATAR_MAX_BYTES'
  | 'UPLOAD_TMP_MAX_BYTES'
  | 'AVATAR_URL_MODE'
  | 'AVATAR_URL_TTL'
  | 'API_KEY'
>;

/** Avatar objects: stored by registration, linked to by presigned GET URLs. */
export interface Avatars extends AvatarStorage {
  /** A GET URL for the object; `remember: false` when it is not worth caching. */
  presign(key: string, ttlSeconds: number, options?: { remember?: boolean }): Promise<string>;
}

/** The request pipeline's part in tracing (telemetry/tracing.ts); absent when tracing is off. */
export interface RequestTracing {
  /** Names the request's server span after the route template that served it. */
  nameRoute(route: string): void;
}

export interface Lifecycle {
  isShuttingDown(): boolean;
}

export interface AppDependencies {
  settings: AppSettings;
  logger: Logger;
  clock: Clock;
  /** When the process started serving, for uptime_seconds. */
  startedAt: Date;
  lifecycle: Lifecycle;
  metrics: Metrics;
  users: UserRecords & UserListing;
  avatars: Avatars;
  /** Checks, later, the objects of uploads whose outcome was in doubt. */
  cleanup: AvatarCleanup;
  /** Whether a failed dependency call was certainly not applied (aws/failures.ts). */
  isDefinitiveFailure: DefinitiveFailureCheck;
  state: StateService;
  geo: GeoLookup;
  readiness: DependencyChecker;
  tracing?: RequestTracing;
}
