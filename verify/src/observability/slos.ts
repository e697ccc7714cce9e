// observability/slos.yaml, typed and checked: the one statement of the API's objectives that the
// recording rules, the burn-rate alerts, their promtool tests and the dashboard derive from.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { DURATION_BUCKETS } from '../../../service/src/http/metrics.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const OBSERVABILITY = join(ROOT, 'observability');
export const SLO_FILE = join(OBSERVABILITY, 'slos.yaml');

/** The histogram every objective is measured with (service/src/http/metrics.ts). */
export const HISTOGRAM = 'http_request_duration_seconds';

export type Severity = 'page' | 'ticket';

export interface BurnRateAlert {
  severity: Severity;
  /** Prometheus durations, e.g. 1h and 5m. */
  long_window: string;
  short_window: string;
  burn_rate: number;
}

interface SloBase {
  name: string;
  description: string;
  /** Share of good requests over the window, in (0, 1). */
  objective: number;
}
export interface AvailabilitySlo extends SloBase {
  /** A request is bad when its status label matches this regular expression. */
  bad_status: string;
}
export interface LatencySlo extends SloBase {
  /** A request is good when it lands in this bucket of the histogram. */
  threshold_seconds: number;
}
export type Slo = AvailabilitySlo | LatencySlo;

export interface SloFile {
  job: string;
  window: string;
  excluded_routes: string[];
  slos: Slo[];
  burn_rate_alerts: BurnRateAlert[];
}

export const isLatency = (slo: Slo): slo is LatencySlo => 'threshold_seconds' in slo;

const DURATION = /^(\d+)(ms|s|m|h|d|w|y)$/;
const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
  y: 31_536_000,
};

/** Seconds of a single-unit Prometheus duration ("5m", "3d"). */
export function seconds(duration: string): number {
  const match = DURATION.exec(duration);
  if (!match) throw new Error(`not a Prometheus duration: ${duration}`);
  return Number(match[1]) * (UNIT_SECONDS[match[2] ?? ''] ?? NaN);
}

/** A number as the rules print it: no binary noise (1 - 0.999 is 0.001, not 0.0010000000000000009). */
export const num = (value: number): number => Number(value.toPrecision(12));

/** The error budget: the share of requests allowed to be bad. */
export const budget = (slo: Slo): number => num(1 - slo.objective);

function fail(message: string): never {
  throw new Error(`${SLO_FILE}: ${message}`);
}

export function validate(raw: unknown): SloFile {
  const file = raw as Partial<SloFile> | null;
  if (!file || typeof file !== 'object') fail('not a mapping');
  const { job, window, excluded_routes: excluded, slos, burn_rate_alerts: alerts } = file;
  if (typeof job !== 'string' || !/^[\w-]+$/.test(job)) fail('job: a scrape job name');
  if (typeof window !== 'string' || !DURATION.test(window)) fail('window: a duration such as 30d');
  if (!Array.isArray(excluded) || !excluded.every((r) => typeof r === 'string'))
    fail('excluded_routes: a list of route templates');
  if (!Array.isArray(slos) || slos.length === 0) fail('slos: at least one objective');
  const names = new Set<string>();
  for (const slo of slos) {
    if (!/^[a-z][a-z_]*$/.test(slo.name)) fail(`slo name '${slo.name}': lower case and _ only`);
    if (names.has(slo.name)) fail(`slo '${slo.name}' is stated twice`);
    names.add(slo.name);
    if (!(slo.objective > 0 && slo.objective < 1)) fail(`${slo.name}: objective in (0, 1)`);
    if (typeof slo.description !== 'string' || slo.description.length < 20)
      fail(`${slo.name}: a description`);
    const latency = isLatency(slo);
    const availability = 'bad_status' in slo;
    if (latency === availability) fail(`${slo.name}: exactly one of bad_status, threshold_seconds`);
    if (latency && !DURATION_BUCKETS.includes(slo.threshold_seconds))
      fail(
        `${slo.name}: threshold_seconds ${slo.threshold_seconds} is not a bucket bound of ` +
          `${HISTOGRAM} (${DURATION_BUCKETS.join(', ')})`,
      );
  }
  if (!Array.isArray(alerts) || alerts.length === 0) fail('burn_rate_alerts: at least one');
  const windowSeconds = seconds(window);
  let previous = Infinity;
  for (const alert of alerts) {
    // The YAML is not trusted to hold the declared types.
    const severity: unknown = alert.severity;
    if (severity !== 'page' && severity !== 'ticket')
      fail(`burn_rate_alerts: severity page or ticket, not ${String(severity)}`);
    const [long, short] = [seconds(alert.long_window), seconds(alert.short_window)];
    if (!(short < long && long <= windowSeconds))
      fail(`burn_rate_alerts ${alert.long_window}/${alert.short_window}: short < long <= window`);
    if (!(alert.burn_rate > 0 && alert.burn_rate < previous))
      fail('burn_rate_alerts: listed from the fastest burn to the slowest');
    previous = alert.burn_rate;
  }
  for (const slo of slos)
    if (num((alerts[0]?.burn_rate ?? 0) * budget(slo)) >= 1)
      fail(`${slo.name}: the fastest burn rate times the budget must stay below 1`);
  return file as SloFile;
}

export function loadSlos(path = SLO_FILE): SloFile {
  return validate(parse(readFileSync(path, 'utf8')));
}
