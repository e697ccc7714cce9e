// make obs-check: the lint of the Grafana dashboards and of the rules' metric names. Grafana's
// dashboard-linter is not used (the Go module proxy the kit's CI reaches refuses its module), so
// this check holds the rules of it that matter for these dashboards, and more:
//   - the dashboard uid is set and unique across observability/grafana/dashboards, panel ids too;
//   - a `datasource` template variable of type prometheus exists, and every panel and every query
//     uses it (no data source uid baked in);
//   - `job` and `instance` variables exist, and every selector of a service metric filters on both;
//   - every rate/irate/increase window of a panel is $__rate_interval;
//   - every panel has a title, a description and a unit, and panels do not overlap;
//   - every query names only series the service exposes, the recording rules write, or Prometheus
//     writes itself (ALERTS, up), and promtool parses it (variables replaced);
//   - every expression of observability/prometheus/rules names only such series, and each
//     selector of a service metric carries the job of observability/slos.yaml;
//   - every alert has a summary, a description and a runbook that is a section of
//     docs/observability.md.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import {
  metricNames,
  PROMETHEUS_SERIES,
  recordedSeries,
  rules,
  selectors,
  serviceSeries,
} from './metrics-catalog.ts';
import { loadSlos, OBSERVABILITY, ROOT } from './slos.ts';

export const DASHBOARDS = join(OBSERVABILITY, 'grafana/dashboards');

interface Datasource {
  type?: string;
  uid?: string;
}
interface Target {
  refId?: string;
  expr?: string;
  datasource?: Datasource;
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  description?: string;
  datasource?: Datasource;
  gridPos?: { h: number; w: number; x: number; y: number };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name?: string;
  type?: string;
  query?: unknown;
}
export interface Dashboard {
  uid?: string;
  title?: string;
  panels?: Panel[];
  templating?: { list?: Variable[] };
}

const DATASOURCE_VARIABLE = /^\$\{?datasource\}?$/;
const RANGE_FUNCTIONS = /\b(rate|irate|increase)\s*\(/g;

/** Every panel, those inside collapsed rows included. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** A query as Prometheus would get it: Grafana's variables replaced by plausible values. */
export function substituted(expr: string, job: string): string {
  return expr
    .replace(/\$\{?__rate_interval\}?|\$\{?__interval\}?|\$\{?__range\}?/g, '5m')
    .replace(/\$\{?job\}?/g, job)
    .replace(/\$\{?instance\}?/g, '.*');
}

/** The range windows of rate/irate/increase calls in an expression. */
function rangeWindows(expr: string): string[] {
  const windows: string[] = [];
  for (const call of expr.matchAll(RANGE_FUNCTIONS)) {
    let depth = 0;
    for (let i = call.index + call[0].length - 1; i < expr.length; i++) {
      const c = expr[i];
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) {
        const body = expr.slice(call.index + call[0].length, i);
        const range = /\[([^\]]+)\]\s*$/.exec(body);
        windows.push(range?.[1] ?? '(none)');
        break;
      }
    }
  }
  return windows;
}

/** Problems of one dashboard (empty when it passes). */
export function lintDashboard(
  dashboard: Dashboard,
  known: { service: Set<string>; recorded: Set<string> },
): string[] {
  const problems: string[] = [];
  if (!dashboard.uid || !/^[\w-]{1,40}$/.test(dashboard.uid))
    problems.push('dashboard uid: missing or not [A-Za-z0-9_-]{1,40}');
  if (!dashboard.title) problems.push('dashboard title: missing');
  const variables = dashboard.templating?.list ?? [];
  const variable = (name: string) => variables.find((v) => v.name === name);
  const ds = variable('datasource');
  if (ds?.type !== 'datasource' || ds.query !== 'prometheus')
    problems.push(
      'template variable "datasource": missing, or not of type datasource with query prometheus',
    );
  for (const name of ['job', 'instance'])
    if (variable(name)?.type !== 'query')
      problems.push(`template variable "${name}": missing (a query variable)`);

  const ids = new Set<number>();
  const cells = new Map<string, string>();
  for (const panel of allPanels(dashboard)) {
    const where = `panel ${panel.id ?? '?'} "${panel.title ?? ''}"`;
    if (typeof panel.id !== 'number') problems.push(`${where}: no id`);
    else if (ids.has(panel.id)) problems.push(`${where}: id ${panel.id} used twice`);
    else ids.add(panel.id);
    const grid = panel.gridPos;
    if (!grid || grid.x < 0 || grid.w < 1 || grid.x + grid.w > 24 || grid.h < 1)
      problems.push(`${where}: gridPos missing or outside the 24 columns`);
    else
      for (let x = grid.x; x < grid.x + grid.w; x++)
        for (let y = grid.y; y < grid.y + grid.h; y++) {
          const other = cells.get(`${x},${y}`);
          if (other) {
            problems.push(`${where}: overlaps ${other}`);
            x = grid.x + grid.w;
            break;
          }
          cells.set(`${x},${y}`, where);
        }
    if (panel.type === 'row') continue;
    if (!panel.title) problems.push(`${where}: no title`);
    if (!panel.description) problems.push(`${where}: no description`);
    if (!panel.fieldConfig?.defaults?.unit) problems.push(`${where}: no unit`);
    if (
      panel.datasource?.type !== 'prometheus' ||
      !DATASOURCE_VARIABLE.test(panel.datasource.uid ?? '')
    )
      problems.push(`${where}: datasource must be {type: prometheus, uid: \${datasource}}`);
    const targets = panel.targets ?? [];
    if (targets.length === 0) problems.push(`${where}: no query`);
    for (const target of targets) {
      const at = `${where} query ${target.refId ?? '?'}`;
      if (target.datasource && !DATASOURCE_VARIABLE.test(target.datasource.uid ?? ''))
        problems.push(`${at}: datasource uid must be \${datasource}`);
      const expr = target.expr ?? '';
      if (!expr.trim()) {
        problems.push(`${at}: empty expression`);
        continue;
      }
      for (const window of rangeWindows(expr))
        if (window !== '$__rate_interval')
          problems.push(`${at}: range [${window}], use [$__rate_interval]`);
      for (const name of metricNames(expr)) {
        if (known.recorded.has(name) || PROMETHEUS_SERIES.includes(name)) continue;
        if (!known.service.has(name)) {
          problems.push(`${at}: ${name} is neither exposed by the service nor recorded by a rule`);
          continue;
        }
        for (const matchers of selectors(expr, name))
          if (!matchers?.includes('job=~"$job"') || !matchers.includes('instance=~"$instance"'))
            problems.push(`${at}: ${name} must select job=~"$job",instance=~"$instance"`);
      }
    }
  }
  return problems;
}

/** Problems of the rule files' expressions: unknown series, or a service metric without the job. */
export function lintRules(
  known: { service: Set<string>; recorded: Set<string> },
  job: string,
): string[] {
  const problems: string[] = [];
  for (const rule of rules()) {
    const where = `${relative(ROOT, rule.file)} ${rule.record ?? rule.alert ?? '?'}`;
    for (const name of metricNames(rule.expr)) {
      if (known.recorded.has(name)) continue;
      if (!known.service.has(name) && !PROMETHEUS_SERIES.includes(name)) {
        problems.push(`${where}: ${name} is neither exposed by the service nor recorded by a rule`);
        continue;
      }
      for (const matchers of selectors(rule.expr, name))
        if (!matchers?.includes(`job="${job}"`))
          problems.push(`${where}: ${name} must select job="${job}"`);
    }
  }
  return problems;
}

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to dashes. */
export const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

/** Problems of the alerts' annotations: each needs a summary, a description, a runbook section. */
export function lintRunbooks(): string[] {
  const doc = readFileSync(join(ROOT, 'docs/observability.md'), 'utf8');
  const anchors = new Set([...doc.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1] ?? '')));
  const problems: string[] = [];
  for (const rule of rules()) {
    if (!rule.alert) continue;
    const where = `${relative(ROOT, rule.file)} ${rule.alert}`;
    const { summary, description, runbook } = rule.annotations ?? {};
    if (!summary || !description) problems.push(`${where}: needs a summary and a description`);
    const [path, section] = (runbook ?? '').split('#');
    if (path !== 'docs/observability.md' || !section || !anchors.has(section))
      problems.push(
        `${where}: runbook ${runbook ?? '(none)'} is not a section of docs/observability.md`,
      );
  }
  return problems;
}

/** promtool parses every query: each becomes a recording rule of a throwaway rule file. */
function parseWithPromtool(promtool: string, queries: { where: string; expr: string }[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'sre-kit-dashboard-'));
  try {
    const file = join(dir, 'dashboard-queries.yaml');
    const groups = [
      {
        name: 'dashboard-queries',
        rules: queries.map((query, i) => ({ record: `dashboard:query_${i}`, expr: query.expr })),
      },
    ];
    writeFileSync(file, stringify({ groups }, { lineWidth: 0 }));
    try {
      execFileSync(promtool, ['check', 'rules', file], { encoding: 'utf8', stdio: 'pipe' });
      return [];
    } catch (err) {
      const output = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`;
      return [`promtool could not parse a dashboard query:\n${output}`];
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const slos = loadSlos();
  const known = { service: await serviceSeries(), recorded: recordedSeries() };
  const problems: string[] = [];
  const uids = new Map<string, string>();
  const queries: { where: string; expr: string }[] = [];
  let panelCount = 0;
  const files = readdirSync(DASHBOARDS).filter((name) => name.endsWith('.json'));
  if (files.length === 0) problems.push(`no dashboard in ${relative(ROOT, DASHBOARDS)}`);
  for (const name of files) {
    const file = join(DASHBOARDS, name);
    const dashboard = JSON.parse(readFileSync(file, 'utf8')) as Dashboard;
    for (const problem of lintDashboard(dashboard, known)) problems.push(`${name}: ${problem}`);
    const uid = dashboard.uid ?? '';
    if (uids.has(uid))
      problems.push(`${name}: uid ${uid} is also the uid of ${uids.get(uid) ?? ''}`);
    uids.set(uid, name);
    for (const panel of allPanels(dashboard)) {
      if (panel.type !== 'row') panelCount++;
      for (const target of panel.targets ?? [])
        if (target.expr)
          queries.push({
            where: `${name} ${panel.title ?? ''}`,
            expr: substituted(target.expr, slos.job),
          });
    }
  }
  problems.push(...lintRules(known, slos.job), ...lintRunbooks());
  const promtool = process.env.PROMTOOL;
  if (promtool) problems.push(...parseWithPromtool(promtool, queries));
  else console.log('dashboard-check: PROMTOOL unset, the queries were not parsed by promtool');
  if (problems.length > 0) {
    console.error(`dashboard-check: ${problems.length} problem(s)`);
    for (const problem of problems) console.error(`  - ${problem}`);
    process.exit(1);
  }
  console.log(
    `dashboard-check: ${files.length} dashboard(s), ${panelCount} panels, ${queries.length} queries: ` +
      `datasource variable, unique ids, units, $__rate_interval, known series` +
      `${promtool ? ', parsed by promtool' : ''}; rule expressions name known series with job="${slos.job}"; every alert's runbook is a section of docs/observability.md`,
  );
  process.exit(0);
}

if (import.meta.main) await main();
