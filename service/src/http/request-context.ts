// Per-request plumbing: a request id (accepted from X-Request-Id when sane, generated otherwise,
// always echoed), one structured access-log line, and common security headers.
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { routeTemplate } from './metrics.ts';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId() {
  return async function assignRequestId(ctx: Context, next: Next): Promise<void> {
    const offered = ctx.get('X-Request-Id');
    const id = SAFE_REQUEST_ID.test(offered) ? offered : randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    await next();
  };
}

/**
 * Probes and scrapes (load balancers, kubelets, Prometheus, uptime checks) hit these paths every
 * few seconds per instance: when they succeed they are logged at debug, so the info log holds
 * the requests of people and programs. Failures are always logged.
 */
const QUIET_PATHS = new Set(['/status', '/health', '/ready', '/metrics']);

export function accessLog(logger: Logger, now: () => bigint = () => process.hrtime.bigint()) {
  return async function logRequest(ctx: Context, next: Next): Promise<void> {
    const started = now();
    try {
      await next();
    } finally {
      const level =
        ctx.status >= 500
          ? 'error'
          : ctx.status < 400 && QUIET_PATHS.has(ctx.path)
            ? 'debug'
            : 'info';
      if (logger.isLevelEnabled(level)) {
        const durationMs = Number(now() - started) / 1e6;
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
    }
  };
}

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

export function securityHeaders() {
  return async function setSecurityHeaders(ctx: Context, next: Next): Promise<void> {
    // Constant, valid headers: straight onto the response, without ctx.set's per-call checks.
    for (const [name, value] of SECURITY_HEADERS) ctx.res.setHeader(name, value);
    await next();
  };
}
