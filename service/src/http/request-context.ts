// Everything every request gets, in one middleware (one async frame on the hot path instead of
// five): a request id (accepted from X-Request-Id when sane, generated otherwise, always echoed),
// common security headers, the JSON error boundary (an error answered before the body was read
// lets the client finish sending: http/refused-body.ts), the duration histogram, one access-log
// line. A streamed body (GET /users) is measured and logged when the response ends, and one that
// ended before its last byte is logged as truncated.
import { randomUUID } from 'node:crypto';
import { Stream } from 'node:stream';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import type { RequestTracing } from '../app-dependencies.ts';
import { renderError, throwIfUnrouted } from './errors.ts';
import { discardRefusedBody } from './refused-body.ts';
import { routeTemplate, type Metrics } from './metrics.ts';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Every response: the set the OWASP REST Security Cheat Sheet gives for API responses. The policy
 * lets a JSON answer load nothing and be framed nowhere, whatever a browser makes of it.
 */
const API_SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cache-Control', 'no-store'],
];

/**
 * Pages a browser renders (Swagger UI) add what only documents use: a policy for their own
 * scripts and styles (Swagger UI injects inline styles; every script and asset it needs is
 * served from here), and referrer and opener isolation.
 */
const DOCUMENT_SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  [
    'Content-Security-Policy',
    [
      "default-src 'self'",
      "img-src 'self' data:",
      "style-src 'self' 'unsafe-inline'",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ].join('; '),
  ],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
];

/**
 * Probes and scrapes (load balancers, kubelets, Prometheus, uptime checks) hit these paths every
 * few seconds per instance: when they succeed they are logged at debug, so the info log holds
 * the requests of people and programs. Failures are always logged.
 */
const QUIET_PATHS = new Set(['/status', '/health', '/ready', '/metrics']);

export function assignRequestId(ctx: Context): void {
  const offered = ctx.req.headers['x-request-id'];
  const id = typeof offered === 'string' && SAFE_REQUEST_ID.test(offered) ? offered : randomUUID();
  ctx.state.requestId = id;
  ctx.res.setHeader('X-Request-Id', id);
}

// Constant, valid headers: straight onto the response, without ctx.set's per-call checks.
function setConstantHeaders(ctx: Context, headers: typeof API_SECURITY_HEADERS): void {
  for (const [name, value] of headers) ctx.res.setHeader(name, value);
}

export function setSecurityHeaders(ctx: Context): void {
  setConstantHeaders(ctx, API_SECURITY_HEADERS);
}

/** For a response a browser renders as a page; replaces the API policy. */
export function setDocumentSecurityHeaders(ctx: Context): void {
  setConstantHeaders(ctx, DOCUMENT_SECURITY_HEADERS);
}

export function logRequest(
  logger: Logger,
  ctx: Context,
  durationMs: number,
  /** The body was cut off: the client went away, or its source failed while it was written. */
  truncated = false,
): void {
  const level =
    ctx.status >= 500 || truncated
      ? 'error'
      : ctx.status < 400 && QUIET_PATHS.has(ctx.path)
        ? 'debug'
        : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      requestId: ctx.state.requestId,
      method: ctx.method,
      path: ctx.path,
      route: routeTemplate(ctx),
      status: ctx.status,
      ...(truncated ? { truncated } : {}),
      durationMs: Math.round(durationMs * 100) / 100,
    },
    'request',
  );
}

export function requestPipeline(
  logger: Logger,
  metrics: Metrics,
  /** When tracing is on: names the server span after the route template. */
  tracing?: RequestTracing,
  /** Milliseconds from a monotonic clock. */
  now: () => number = () => performance.now(),
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
      discardRefusedBody(ctx.req);
    }
    if (tracing) {
      const route = routeTemplate(ctx);
      if (route !== 'unmatched') tracing.nameRoute(route);
    }
    const done = (truncated: boolean) => {
      const durationMs = now() - started;
      metrics.requestDuration.observe(
        routeTemplate(ctx),
        ctx.method,
        ctx.status,
        durationMs / 1000,
      );
      logRequest(logger, ctx, durationMs, truncated);
    };
    if (ctx.body instanceof Stream && !ctx.res.writableFinished) {
      ctx.res.once('close', () => {
        done(!ctx.res.writableFinished);
      });
    } else {
      done(false);
    }
  };
}
