// The chart ships the same rules and dashboard as observability/ (make chart-check, make obs-check):
//   1. the chart's copies in deploy/helm/sre-kit/files are those of observability/ (chart-copies.ts);
//   2. `helm template` with prometheusRule on: every group and rule of
//      observability/prometheus/rules, in the same order and nothing else, each job matcher
//      replaced by the job and namespace of the chart's ServiceMonitor (the Service's name);
//   3. with prometheusRule.job set to the job of slos.yaml and matchNamespace off, the rendered
//      rules equal the originals, so the promtool tests of observability/prometheus/tests hold
//      for them; with PROMTOOL set, `promtool check rules` parses the rules of step 2;
//   4. `helm template` with grafanaDashboard on: each dashboard parses as JSON and equals its
//      original but for the `job` variable's initial value (the Service's name).
//   HELM=bin/helm [PROMTOOL=bin/promtool] node src/chart/observability-check.ts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse, parseAllDocuments, stringify } from 'yaml';
import {
  chartCopies,
  DASHBOARDS,
  RULES,
  sloJob,
  staleCopies,
} from '../observability/chart-copies.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const CHART = join(ROOT, 'deploy/helm/sre-kit');
const HELM = resolve(process.env.HELM ?? join(ROOT, 'bin/helm'));
const PROMTOOL = process.env.PROMTOOL ? resolve(process.env.PROMTOOL) : undefined;
const RELEASE = 'sre-kit';
const NAMESPACE = 'sre-kit';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  [key: string]: unknown;
}
interface Group {
  name: string;
  rules: Rule[];
}

const problems: string[] = [];

/** The manifests `helm template` renders from one template with the given --set values. */
function render(template: string, set: string[]): Record<string, unknown>[] {
  const out = execFileSync(
    HELM,
    [
      'template',
      RELEASE,
      CHART,
      '--namespace',
      NAMESPACE,
      '--show-only',
      `templates/${template}`,
      ...set.flatMap((value) => ['--set', value]),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return parseAllDocuments(out)
    .map((doc) => doc.toJS() as Record<string, unknown> | null)
    .filter((doc): doc is Record<string, unknown> => doc !== null);
}

/** The groups of the rule files of observability/prometheus/rules, in file name order. */
function sourceGroups(): Group[] {
  return readdirSync(RULES)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .flatMap(
      (name) => (parse(readFileSync(join(RULES, name), 'utf8')) as { groups: Group[] }).groups,
    );
}

/** The rendered PrometheusRule's groups (there must be exactly one PrometheusRule). */
function renderedGroups(set: string[]): Group[] {
  const docs = render('prometheusrule.yaml', ['prometheusRule.enabled=true', ...set]);
  if (docs.length !== 1 || docs[0]?.kind !== 'PrometheusRule')
    throw new Error(
      `expected one PrometheusRule, got ${docs.map((d) => String(d.kind)).join(', ')}`,
    );
  return (docs[0].spec as { groups: Group[] }).groups;
}

function withMatchers(groups: Group[], from: string, to: string): Group[] {
  return groups.map((group) => ({
    ...group,
    rules: group.rules.map((rule) => ({ ...rule, expr: rule.expr.replaceAll(from, to) })),
  }));
}

/** Every difference between the expected and the rendered rules, rule by rule. */
function compare(what: string, expected: Group[], rendered: Group[]): void {
  const names = (groups: Group[]) => groups.map((g) => g.name).join(', ');
  if (names(expected) !== names(rendered)) {
    problems.push(`${what}: groups ${names(rendered)}, expected ${names(expected)}`);
    return;
  }
  expected.forEach((group, g) => {
    const other = rendered[g]?.rules ?? [];
    if (other.length !== group.rules.length)
      problems.push(
        `${what}: group ${group.name} has ${other.length} rules, expected ${group.rules.length}`,
      );
    group.rules.forEach((rule, r) => {
      if (!isDeepStrictEqual(rule, other[r]))
        problems.push(
          `${what}: group ${group.name} rule ${r} (${rule.alert ?? rule.record}) differs:\n` +
            `  expected ${JSON.stringify(rule)}\n  rendered ${JSON.stringify(other[r])}`,
        );
    });
  });
}

const count = (groups: Group[], key: 'alert' | 'record') =>
  groups.flatMap((g) => g.rules).filter((rule) => rule[key] !== undefined).length;

/** `promtool check rules` on the rendered groups: the rewritten selectors are valid PromQL. */
function promtoolCheck(promtoolPath: string, rendered: Group[]): void {
  const work = mkdtempSync(join(tmpdir(), 'chart-rules-'));
  try {
    const path = join(work, 'prometheusrule-spec.yaml');
    writeFileSync(path, stringify({ groups: rendered }));
    execFileSync(promtoolPath, ['check', 'rules', path], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    console.log(
      'chart rules: promtool check rules passes on the rendered PrometheusRule (defaults)',
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    problems.push(
      `promtool check rules on the rendered rules failed: ${String(error)}\n${stdout}${stderr}`.trimEnd(),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function checkRules(job: string): void {
  const source = sourceGroups();
  const clusterMatchers = `job="${RELEASE}",namespace="${NAMESPACE}"`;
  const cluster = renderedGroups([]);
  compare(
    'PrometheusRule (defaults)',
    withMatchers(source, `job="${job}"`, clusterMatchers),
    cluster,
  );
  const local = renderedGroups([
    `prometheusRule.job=${job}`,
    'prometheusRule.matchNamespace=false',
  ]);
  compare(`PrometheusRule (job ${job}, no namespace)`, source, local);
  console.log(
    `chart rules: ${cluster.length} groups, ${count(cluster, 'alert')} alerts, ${count(cluster, 'record')} ` +
      `recording rules rendered, against ${source.length} groups, ${count(source, 'alert')} alerts, ` +
      `${count(source, 'record')} recording rules in observability/prometheus/rules; ` +
      `job="${job}" becomes ${clusterMatchers}`,
  );
  if (PROMTOOL) promtoolCheck(PROMTOOL, cluster);
  else
    console.log('chart rules: PROMTOOL unset: promtool check rules not run on the rendered rules');
}

function checkDashboards(): void {
  const docs = render('grafana-dashboard.yaml', ['grafanaDashboard.enabled=true']);
  const [doc] = docs;
  const data = docs.length === 1 && doc ? (doc.data as Record<string, string>) : {};
  const expected = readdirSync(DASHBOARDS)
    .filter((name) => name.endsWith('.json'))
    .sort();
  if (Object.keys(data).sort().join() !== expected.join())
    problems.push(
      `dashboard ConfigMap: keys ${Object.keys(data).join(', ')}, expected ${expected.join(', ')}`,
    );
  for (const name of expected) {
    const text = data[name];
    if (text === undefined) continue;
    let rendered: unknown;
    try {
      rendered = JSON.parse(text);
    } catch (error) {
      problems.push(`dashboard ConfigMap: ${name} is not JSON: ${String(error)}`);
      continue;
    }
    const original = JSON.parse(readFileSync(join(DASHBOARDS, name), 'utf8')) as {
      uid: string;
      title: string;
      templating?: { list?: { name?: string; current?: unknown }[] };
    };
    for (const variable of original.templating?.list ?? [])
      if (variable.name === 'job') variable.current = { text: RELEASE, value: RELEASE };
    if (!isDeepStrictEqual(rendered, original))
      problems.push(
        `dashboard ConfigMap: ${name} differs from observability/grafana/dashboards/${name}`,
      );
    else
      console.log(
        `chart dashboard: ${name} (uid ${original.uid}, "${original.title}") parses and equals its original, job variable on "${RELEASE}"`,
      );
  }
}

function main(): void {
  const job = sloJob();
  const stale = staleCopies(chartCopies(job));
  if (stale.length > 0)
    problems.push(
      `${stale.join(', ')} differ from observability/; run \`make obs-rules\` and commit the result`,
    );
  else console.log('chart copies: deploy/helm/sre-kit/files matches observability/');
  checkRules(job);
  checkDashboards();
  if (problems.length > 0) {
    for (const problem of problems) console.error(`error: ${problem}`);
    process.exit(1);
  }
}

if (import.meta.main) main();
