// The settings make chaos runs the service with (its env contract) and the bounds the scenarios
// derive from them and from the service's own defaults.
export const CONNECT_TIMEOUT_MS = Number(process.env.CHAOS_AWS_CONNECT_TIMEOUT_MS ?? 1000);
export const REQUEST_TIMEOUT_MS = Number(process.env.CHAOS_AWS_REQUEST_TIMEOUT_MS ?? 2000);
export const SDK_MAX_ATTEMPTS = 2; // service/src/aws/clients.ts
/** Longest one failing AWS call may take: every attempt hits a timeout, plus retry delay. */
export const CALL_BOUND_MS = SDK_MAX_ATTEMPTS * (CONNECT_TIMEOUT_MS + REQUEST_TIMEOUT_MS) + 500;
export const SHUTDOWN_TIMEOUT_MS = 10_000; // service default
export const READY_CACHE_MS = 2000; // service/src/main.ts
export const RECOVERY_LIMIT_MS = 5000;
// Node's http server checks headersTimeout/requestTimeout every connectionsCheckingInterval.
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_SERVER_MS = 60_000;
export const CHECKING_INTERVAL_MS = 30_000;

/** The environment of every service make chaos starts. */
export function chaosEnv(): Record<string, string> {
  return {
    AWS_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    AWS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
  };
}

export const chaosUser = (name: string, avatar: Buffer) => ({
  name,
  domain: 'chaos.example',
  avatar,
});
