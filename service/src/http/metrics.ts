// Prometheus metrics: process metrics plus a request-duration histogram labelled by route
// template (never the raw path, so cardinality stays bounded), method and status.
//
// The histogram is prom-client's own, observed on every request through a child per label set
// kept in a map by a string key, so a request neither builds nor validates a label object.
// prom-client still hashes the labels on each observation: a few percent of a /status request's
// CPU, too little to justify keeping a histogram of our own beside the library's.
import type { Context } from 'koa';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const DURATION_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The template of the route that served the request (set by @koa/router), or 'unmatched'. */
export function routeTemplate(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  return typeof matched === 'string' ? matched : 'unmatched';
}

type DurationLabel = 'route' | 'method' | 'status';

/** http_request_duration_seconds, observed by route template, method and status. */
export interface RequestDurations {
  observe(route: string, method: string, status: number, seconds: number): void;
}

export interface Metrics {
  registry: Registry;
  requestDuration: RequestDurations;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const histogram = new Histogram<DurationLabel>({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds',
    labelNames: ['route', 'method', 'status'],
    buckets: [...DURATION_BUCKETS],
    registers: [registry],
  });
  const children = new Map<string, Histogram.Internal<DurationLabel>>();
  const requestDuration: RequestDurations = {
    observe(route, method, status, seconds) {
      const key = `${route} ${method} ${String(status)}`;
      let child = children.get(key);
      if (!child) {
        child = histogram.labels(route, method, String(status));
        children.set(key, child);
      }
      child.observe(seconds);
    },
  };
  return { registry, requestDuration };
}

/** A gauge read at scrape time, e.g. the backlog of in-doubt uploads. */
export function exposeGauge(
  metrics: Metrics,
  name: string,
  help: string,
  read: () => number,
): void {
  new Gauge({
    name,
    help,
    registers: [metrics.registry],
    collect() {
      this.set(read());
    },
  });
}
