// Everything every request gets, in one middleware (one async frame on the hot path instead of
// five): a request id (accepted from X-Request-Id when sane, generated otherwise, always echoed),
// common security headers, the JSON error boundary, the duration histogram, one access-log line.
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { renderError, throwIfUnrouted } from './errors.ts';
import { routeTemplate, type Metrics } from './metrics.ts';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// Swagger UI injects inline styles; every script and asset it needs is served from here.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const SECURITY_HEADERS = Object.entries({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
});

/**
 * Probes and scrapes (load balancers, kubelets, Prometheus, uptime checks) hit these paths every
 * few seconds per instance: when they succeed they are logged at debug, so the info log holds
 * the requests of people and programs. Failures are always logged.
 */
const QUIET_PATHS = new Set(['/status', '/health', '/ready', '/metrics']);

export function assignRequestId(ctx: Context): void {
  const offered = ctx.get('X-Request-Id');
  const id = SAFE_REQUEST_ID.test(offered) ? offered : randomUUID();
  ctx.state.requestId = id;
  ctx.res.setHeader('X-Request-Id', id);
}

export function setSecurityHeaders(ctx: Context): void {
  // Constant, valid headers: straight onto the response, without ctx.set's per-call checks.
  for (const [name, value] of SECURITY_HEADERS) ctx.res.setHeader(name, value);
}

export function logRequest(logger: Logger, ctx: Context, durationMs: number): void {
  const level =
    ctx.status >= 500 ? 'error' : ctx.status < 400 && QUIET_PATHS.has(ctx.path) ? 'debug' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      requestId: ctx.state.requestId,
      method: ctx.method,
      path: ctx.path,
      route: routeTemplate(ctx),
      status: ctx.status,
      durationMs: Math.round(durationMs * 100) / 100,
    },
    'request',
  );
}

export function requestPipeline(
  logger: Logger,
  metrics: Metrics,
  now: () => bigint = () => process.hrtime.bigint(),
) {
  return async function handleRequest(ctx: Context, next: Next): Promise<void> {
    const started = now();
    assignRequestId(ctx);
    setSecurityHeaders(ctx);
    try {
      await next();
      throwIfUnrouted(ctx);
    } catch (err) {
      renderError(ctx, err, logger);
    }
    const seconds = Number(now() - started) / 1e9;
    metrics.requestDuration.observe(routeTemplate(ctx), ctx.method, ctx.status, seconds);
    logRequest(logger, ctx, seconds * 1000);
  };
}
