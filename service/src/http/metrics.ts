// Prometheus metrics: process metrics plus a request-duration histogram labelled by route
// template (never the raw path, so cardinality stays bounded), method and status.
import type { Context, Next } from 'koa';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The template of the route that served the request (set by @koa/router), or 'unmatched'. */
export function routeTemplate(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  return typeof matched === 'string' ? matched : 'unmatched';
}

export interface Metrics {
  registry: Registry;
  middleware: (ctx: Context, next: Next) => Promise<void>;
}

export function createMetrics(now: () => bigint = () => process.hrtime.bigint()): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // One child per label set, looked up by a plain string key instead of prom-client's per-call
  // label hashing. Bounded: routes are templates, methods and statuses are few.
  const children = new Map<string, ReturnType<typeof duration.labels>>();
  async function observe(ctx: Context, next: Next): Promise<void> {
    const started = now();
    try {
      await next();
    } finally {
      const route = routeTemplate(ctx);
      const status = String(ctx.status);
      const key = `${route} ${ctx.method} ${status}`;
      let child = children.get(key);
      if (!child) {
        child = duration.labels({ route, method: ctx.method, status });
        children.set(key, child);
      }
      child.observe(Number(now() - started) / 1e9);
    }
  }
  return { registry, middleware: observe };
}
