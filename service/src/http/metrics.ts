// Prometheus metrics: process metrics plus a request-duration histogram labelled by route
// template (never the raw path, so cardinality stays bounded), method and status.
//
// The histogram is recorded on every request, so it is kept in plain arrays: prom-client's own
// Histogram hashes its label object on each observation, which cost as much as the rest of a
// /status request. prom-client still owns the registry and the exposition format.
import type { Context } from 'koa';
import { Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';

export const DURATION_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The template of the route that served the request (set by @koa/router), or 'unmatched'. */
export function routeTemplate(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  return typeof matched === 'string' ? matched : 'unmatched';
}

interface Series {
  labels: { route: string; method: string; status: string };
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

interface MetricValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/** A Prometheus histogram with the labels route, method and status, in prom-client's shape. */
export class RequestDurationHistogram {
  readonly name = 'http_request_duration_seconds';
  readonly help = 'Duration of HTTP requests in seconds';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #series = new Map<string, Series>();

  observe(route: string, method: string, status: number, seconds: number): void {
    const key = `${route} ${method} ${String(status)}`;
    let series = this.#series.get(key);
    if (!series) {
      series = {
        labels: { route, method, status: String(status) },
        counts: new Array<number>(DURATION_BUCKETS.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      this.#series.set(key, series);
    }
    // The first bucket whose bound holds the value; past the last bound, the +Inf slot.
    let slot = 0;
    while (slot < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[slot] ?? Infinity)) slot++;
    series.counts[slot] = (series.counts[slot] ?? 0) + 1;
    series.sum += seconds;
    series.count += 1;
  }

  get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValue[];
  }> {
    const values: MetricValue[] = [];
    for (const { labels, counts, sum, count } of this.#series.values()) {
      let cumulative = 0;
      counts.forEach((observations, index) => {
        cumulative += observations;
        const le = DURATION_BUCKETS[index] ?? '+Inf';
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { ...labels, le },
          value: cumulative,
        });
      });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    const { name, help, type, aggregator } = this;
    return Promise.resolve({ name, help, type, aggregator, values });
  }

  reset(): void {
    this.#series.clear();
  }
}

export interface Metrics {
  registry: Registry;
  requestDuration: RequestDurationHistogram;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestDuration = new RequestDurationHistogram();
  registry.registerMetric(requestDuration as unknown as Metric);
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
