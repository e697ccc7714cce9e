// The Helm chart ships the rules and the dashboard of observability/, but Helm reads only files
// inside the chart: `make obs-rules` (generate.ts) writes copies into deploy/helm/sre-kit/files/,
// and `make obs-check` and `make chart-check` fail while a copy differs from its original.
//   - observability/prometheus/rules/<name>.yaml -> files/prometheus/rules/<name>.yaml, with a
//     header, and every `job="<job of slos.yaml>"` matcher replaced by SERVICE_MATCHERS:
//     templates/prometheusrule.yaml puts there the job and namespace the chart's ServiceMonitor
//     gives the service's series. A selector of any other job is refused.
//   - observability/grafana/dashboards/<name>.json -> files/grafana/dashboards/<name>.json, as is.
// This module reads only observability/ (no service code), so `make chart-check` runs it alone:
//   node src/observability/chart-copies.ts --check
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../../..');
const OBSERVABILITY = join(ROOT, 'observability');
export const RULES = join(OBSERVABILITY, 'prometheus/rules');
export const DASHBOARDS = join(OBSERVABILITY, 'grafana/dashboards');
export const CHART_FILES = join(ROOT, 'deploy/helm/sre-kit/files');
const CHART_RULES = join(CHART_FILES, 'prometheus/rules');
const CHART_DASHBOARDS = join(CHART_FILES, 'grafana/dashboards');

/** What the chart's template replaces with the job and namespace matchers of the cluster. */
export const SERVICE_MATCHERS = '__SERVICE_MATCHERS__';

/** The scrape job every rule selects: `job` of observability/slos.yaml. */
export function sloJob(): string {
  const job = (
    parse(readFileSync(join(OBSERVABILITY, 'slos.yaml'), 'utf8')) as { job?: unknown } | null
  )?.job;
  if (typeof job !== 'string' || job === '') throw new Error('observability/slos.yaml: no job');
  return job;
}

const list = (dir: string, suffix: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith(suffix))
        .sort()
    : [];

/** The chart's copy of a rule file: the job matcher made a placeholder, under a header. */
export function ruleCopy(name: string, text: string, job: string): string {
  // Comments keep the original's wording; only the rules' own lines change.
  const lines = text
    .split('\n')
    .map((line) => (/^\s*#/.test(line) ? line : line.replaceAll(`job="${job}"`, SERVICE_MATCHERS)));
  const other = lines
    .filter((line) => !/^\s*#/.test(line))
    .map((line) => /\bjob\s*(=~|!=|!~|=)/.exec(line))
    .find((match) => match !== null);
  const body = lines.join('\n');
  if (other)
    throw new Error(
      `observability/prometheus/rules/${name}: a job matcher other than job="${job}" ` +
        `(${other[0]}...); the chart can only map job="${job}" to the ServiceMonitor's series`,
    );
  return (
    `# Copy of observability/prometheus/rules/${name} for the chart, written by \`make obs-rules\`\n` +
    '# (verify/src/observability/chart-copies.ts): edit the original. Each job matcher of its rules\n' +
    `# is ${SERVICE_MATCHERS} here; templates/prometheusrule.yaml replaces it with the\n` +
    "# job and namespace of the series the chart's ServiceMonitor scrapes.\n" +
    body
  );
}

/**
 * Every copy the chart must hold, path -> text. `source` gives the text of an original (the
 * generator passes the text it is about to write, so a copy never lags a regenerated file).
 */
export function chartCopies(
  job: string,
  source: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Map<string, string> {
  return new Map([
    ...list(RULES, '.yaml').map(
      (name) => [join(CHART_RULES, name), ruleCopy(name, source(join(RULES, name)), job)] as const,
    ),
    ...list(DASHBOARDS, '.json').map(
      (name) => [join(CHART_DASHBOARDS, name), source(join(DASHBOARDS, name))] as const,
    ),
  ]);
}

/** Files in the chart's copy folders that no original has any more. */
export function orphanCopies(expected: Map<string, string>): string[] {
  return [
    ...list(CHART_RULES, '.yaml').map((name) => join(CHART_RULES, name)),
    ...list(CHART_DASHBOARDS, '.json').map((name) => join(CHART_DASHBOARDS, name)),
  ].filter((path) => !expected.has(path));
}

/** The relative names of the copies that are missing, differ, or have no original. */
export function staleCopies(expected: Map<string, string>): string[] {
  return [
    ...[...expected]
      .filter(([path, text]) => !existsSync(path) || readFileSync(path, 'utf8') !== text)
      .map(([path]) => relative(ROOT, path)),
    ...orphanCopies(expected).map((path) => `${relative(ROOT, path)} (no original)`),
  ];
}

function main(): void {
  if (!process.argv.includes('--check'))
    throw new Error('usage: chart-copies.ts --check (make obs-rules writes the copies)');
  const copies = chartCopies(sloJob());
  const stale = staleCopies(copies);
  if (stale.length > 0) {
    console.error(
      `chart copies: ${stale.join(', ')} differ from observability/; run \`make obs-rules\` and commit the result`,
    );
    process.exit(1);
  }
  console.log(
    `chart copies: the chart's ${copies.size} rule and dashboard files match observability/`,
  );
}

if (import.meta.main) main();
