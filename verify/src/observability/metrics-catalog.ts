// Which metric names a query may use: what the service exposes at /metrics, what the recording
// rules write, and what Prometheus writes itself. The service's set is read from its code: the
// registry of createMetrics() (prom-client's default metrics and the request histogram, exactly
// as the service builds them) plus the gauges and counters its modules register by name.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createMetrics } from '../../../service/src/http/metrics.ts';
import { OBSERVABILITY, ROOT } from './slos.ts';

export const RULES_DIR = join(OBSERVABILITY, 'prometheus/rules');

/** Series Prometheus writes itself: scrape health and alert state. */
export const PROMETHEUS_SERIES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'ALERTS',
  'ALERTS_FOR_STATE',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Series names of one metric of a prom-client registry. */
function seriesNames(name: string, type: string): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

/** Every series name the service exposes at /metrics. */
export async function serviceSeries(): Promise<Set<string>> {
  const names = new Set<string>();
  const { registry } = createMetrics();
  for (const metric of await registry.getMetricsAsJSON())
    for (const name of seriesNames(metric.name, String(metric.type))) names.add(name);
  // The metrics registered elsewhere: exposeGauge(metrics, 'name', ...) and
  // new Counter|Gauge|Histogram|Summary({ name: '...' }).
  const registered =
    /exposeGauge\(\s*[\w.]+,\s*'([a-z_:][a-z0-9_:]*)'|new (Counter|Gauge|Histogram|Summary)\(\{\s*name:\s*'([a-z_:][a-z0-9_:]*)'/g;
  for (const file of sourceFiles(join(ROOT, 'service/src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(registered)) {
      const gauge = match[1];
      if (gauge) names.add(gauge);
      const [type, name] = [match[2], match[3]];
      if (type && name)
        for (const series of seriesNames(name, type.toLowerCase())) names.add(series);
    }
  }
  return names;
}

interface Rule {
  record?: string;
  alert?: string;
  expr?: string;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups?: { rules?: Rule[] }[];
}

export function ruleFiles(): string[] {
  return readdirSync(RULES_DIR)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => join(RULES_DIR, name));
}

/** Every rule of observability/prometheus/rules, with its file. */
export function rules(): (Rule & { file: string; expr: string })[] {
  return ruleFiles().flatMap((file) =>
    ((parse(readFileSync(file, 'utf8')) as RuleFile).groups ?? []).flatMap((group) =>
      (group.rules ?? []).map((rule) => ({ file, ...rule, expr: rule.expr ?? '' })),
    ),
  );
}

/** The series the recording rules write. */
export function recordedSeries(): Set<string> {
  return new Set(rules().flatMap((rule) => (rule.record ? [rule.record] : [])));
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
  'atan2',
]);

/**
 * The metric names a PromQL expression selects. Not a parser: strings, label matchers, ranges and
 * label lists are taken out, then every identifier that is not a function call, a keyword or part
 * of a number is a metric name. promtool parses the expressions for real (dashboard-check.ts).
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+\S+/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.$])[a-zA-Z_:][\w:]*/g)) {
    const name = match[0];
    const after = stripped.slice(match.index + name.length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** Each `name{matchers}` (or bare `name`) selector of an expression: the matchers, or undefined. */
export function selectors(expr: string, name: string): (string | undefined)[] {
  const found: (string | undefined)[] = [];
  const pattern = new RegExp(
    `(?<![\\w:])${name.replace(/:/g, '\\:')}(?![\\w:])\\s*(\\{[^}]*\\})?`,
    'g',
  );
  for (const match of expr.matchAll(pattern)) found.push(match[1]);
  return found;
}
