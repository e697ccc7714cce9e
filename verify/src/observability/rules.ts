// From observability/slos.yaml to Prometheus rules and their promtool unit tests:
//   - recording rules: the error ratio of each objective over every alert window, the 30-day ratio,
//     the error budget left and the objective itself (for the dashboard);
//   - multi-window, multi-burn-rate alerts (the Google SRE workbook's recommended set);
//   - promtool tests that drive each alert with synthetic traffic: quiet while healthy (probe
//     traffic failing on purpose must not count), firing once the long window holds enough
//     errors, never firing the faster alert above it, and clearing once the short window is
//     clean again.
import {
  budget,
  HISTOGRAM,
  isLatency,
  num,
  seconds,
  type BurnRateAlert,
  type Slo,
  type SloFile,
} from './slos.ts';

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
export interface RuleGroup<R> {
  name: string;
  interval?: string;
  rules: R[];
}

/** Windows whose error ratio is recorded: every window of every burn-rate alert. */
export function windows(file: SloFile): string[] {
  const all = new Set(file.burn_rate_alerts.flatMap((a) => [a.long_window, a.short_window]));
  return [...all].sort((a, b) => seconds(a) - seconds(b));
}

const escapeRegex = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A PromQL double-quoted string body. */
const quoted = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/**
 * The le label of a bucket bound as the service writes it (prom-client: String(1) is "1") and as
 * Prometheus 3 stores it (it normalizes classic histogram bounds to floats: "1.0").
 */
export function leMatcher(bound: number): string {
  const written = String(bound);
  const normalized = Number.isInteger(bound) ? `${written}.0` : written;
  return written === normalized
    ? `le="${written}"`
    : `le=~"${escapeRegex(written)}|${escapeRegex(normalized)}"`;
}

/** The API requests the objectives count, for the given extra matchers. */
export function apiSelector(file: SloFile, ...extra: string[]): string {
  const routes = file.excluded_routes.map(escapeRegex).join('|');
  return `{${[`job="${file.job}"`, `route!~"${quoted(routes)}"`, ...extra].join(',')}}`;
}

/** Per-second rates of all counted and of bad requests over a window, summed over instances. */
export function rates(file: SloFile, slo: Slo, window: string): { total: string; bad: string } {
  const total = `sum(rate(${HISTOGRAM}_count${apiSelector(file)}[${window}]))`;
  if (isLatency(slo)) {
    const good = `sum(rate(${HISTOGRAM}_bucket${apiSelector(file, leMatcher(slo.threshold_seconds))}[${window}]))`;
    return { total, bad: `(${total} - ${good})` };
  }
  // No series of a bad status exists until the first such answer: count none as 0, or the ratio
  // (and the budget left) would be absent for as long as all is well.
  const bad = `(sum(rate(${HISTOGRAM}_count${apiSelector(file, `status=~"${quoted(slo.bad_status)}"`)}[${window}])) or vector(0))`;
  return { total, bad };
}

export const ratioRecord = (window: string) => `slo:sli_error:ratio_rate${window}`;
export const REQUESTS_RECORD = 'slo:sli_requests:rate5m';
export const ERRORS_RECORD = 'slo:sli_errors:rate5m';
export const BUDGET_RECORD = 'slo:error_budget_remaining:ratio';
export const OBJECTIVE_RECORD = 'slo:objective:ratio';

export function recordingRules(file: SloFile): RecordingRule[][] {
  return file.slos.map((slo) => {
    const labels = { slo: slo.name };
    const sel = `{slo="${slo.name}"}`;
    const perWindow = windows(file).map((window) => {
      const { total, bad } = rates(file, slo, window);
      return { record: ratioRecord(window), expr: `${bad} / ${total}`, labels };
    });
    const five = rates(file, slo, '5m');
    return [
      ...perWindow,
      // The compliance window from 5-minute rates: weighting each by its request rate makes the
      // ratio that of all requests in the window, at the cost of one series per objective.
      { record: REQUESTS_RECORD, expr: five.total, labels },
      { record: ERRORS_RECORD, expr: five.bad, labels },
      {
        record: ratioRecord(file.window),
        expr: `sum_over_time(${ERRORS_RECORD}${sel}[${file.window}]) / sum_over_time(${REQUESTS_RECORD}${sel}[${file.window}])`,
        labels,
      },
      {
        record: BUDGET_RECORD,
        expr: `1 - ${ratioRecord(file.window)}${sel} / ${budget(slo)}`,
        labels,
      },
      { record: OBJECTIVE_RECORD, expr: `vector(${slo.objective})`, labels },
    ];
  });
}

const capitalized = (name: string) =>
  name
    .split('_')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

export const alertName = (slo: Slo, alert: BurnRateAlert) =>
  `Api${capitalized(slo.name)}BudgetBurn${alert.long_window}`;

/** The docs/observability.md section of the burn-rate alerts of an objective. */
export const runbook = (slo: Slo) => `docs/observability.md#api${slo.name}budgetburn`;

const percent = (ratio: number) => `${num(ratio * 100)}%`;

function badWhat(slo: Slo): string {
  return isLatency(slo)
    ? `took longer than ${slo.threshold_seconds} s`
    : `were answered with a ${slo.bad_status.replace(/\./g, 'x')} status`;
}

export function alertingRules(file: SloFile): AlertingRule[][] {
  const windowDays = seconds(file.window) / 86_400;
  return file.slos.map((slo) =>
    file.burn_rate_alerts.map((alert) => {
      const threshold = `(${alert.burn_rate} * ${budget(slo)})`;
      const sel = `{slo="${slo.name}"}`;
      const exhausted = Math.round((10 * windowDays) / alert.burn_rate) / 10;
      return {
        alert: alertName(slo, alert),
        expr:
          `${ratioRecord(alert.long_window)}${sel} > ${threshold}` +
          ` and ${ratioRecord(alert.short_window)}${sel} > ${threshold}`,
        labels: {
          severity: alert.severity,
          slo: slo.name,
          long_window: alert.long_window,
          short_window: alert.short_window,
          burn_rate: String(alert.burn_rate),
        },
        annotations: {
          summary: `The API's ${slo.name} error budget burns ${alert.burn_rate}x too fast (over ${alert.long_window} and ${alert.short_window})`,
          description:
            `More than ${percent(alert.burn_rate * budget(slo))} of API requests ${badWhat(slo)} over the last ` +
            `${alert.long_window} and the last ${alert.short_window}. The objective allows ${percent(budget(slo))} ` +
            `over ${file.window}; at this rate the budget is gone in ${exhausted} days.`,
          runbook: runbook(slo),
        },
      };
    }),
  );
}

/**
 * One group per objective: its recording rules, then its alerts. Rules of a group run in order at
 * the same evaluation, so an alert reads the ratios of that evaluation, never of an earlier one
 * (across groups the order is not defined).
 */
export function ruleGroups(file: SloFile): RuleGroup<RecordingRule | AlertingRule>[] {
  const recording = recordingRules(file);
  const alerting = alertingRules(file);
  return file.slos.map((slo, s) => ({
    name: `slo-${slo.name}`,
    rules: [...(recording[s] ?? []), ...(alerting[s] ?? [])],
  }));
}

// ---- promtool tests --------------------------------------------------------------------------

/** Requests per minute of the synthetic traffic: large enough that every ratio is whole requests. */
const PER_MINUTE = 10_000;
/** Minutes between two synthetic samples: short windows (5m) still hold two or more. */
export const SAMPLE_MINUTES = 2;
/**
 * Minutes between two rule evaluations in the tests. Every time of a scenario is a multiple of
 * SCENARIO_GRAIN, which both divide: promtool then evaluates exactly at the checked times.
 */
export const EVALUATION_MINUTES = 5;
const SCENARIO_GRAIN = 10;

/**
 * promtool's expanding notation for a counter sampled every SAMPLE_MINUTES that grows by `perMinute`
 * a minute for each segment of `minutes` (a multiple of SAMPLE_MINUTES).
 */
export function counter(
  segments: readonly (readonly [perMinute: number, minutes: number])[],
): string {
  const parts = ['0'];
  let value = 0;
  for (const [perMinute, minutes] of segments) {
    const samples = minutes / SAMPLE_MINUTES;
    if (!Number.isInteger(samples))
      throw new Error(`${minutes} minutes is not a multiple of ${SAMPLE_MINUTES}`);
    if (samples <= 0) continue;
    const step = perMinute * SAMPLE_MINUTES;
    value += step;
    parts.push(samples === 1 ? String(value) : `${value}+${step}x${samples - 1}`);
    value += step * (samples - 1);
  }
  return parts.join(' ');
}

interface ExpAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}
interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpAlert[];
}
interface ExprTest {
  expr: string;
  eval_time: string;
  exp_samples: { labels: string; value: number }[];
}
export interface TestGroup {
  name: string;
  interval: string;
  input_series: { series: string; values: string }[];
  alert_rule_test?: AlertTest[];
  promql_expr_test?: ExprTest[];
}

const minutes = (duration: string) => seconds(duration) / 60;
const at = (minute: number) => `${minute}m`;
const up = (minute: number) => Math.ceil(minute / SCENARIO_GRAIN) * SCENARIO_GRAIN;
const down = (minute: number) => Math.floor(minute / SCENARIO_GRAIN) * SCENARIO_GRAIN;

/**
 * One scenario per objective and alert: the error ratio sits between this alert's threshold and
 * the next faster one's (twice the threshold for the fastest), after a healthy long window.
 */
export function testGroups(file: SloFile): TestGroup[] {
  const api = (extra: string) => `{job="${file.job}",route="/users",method="GET",${extra}}`;
  const probe = (extra: string) => `{job="${file.job}",route="/ready",method="GET",${extra}}`;
  const healthyMinutes = 60;
  const groups: TestGroup[] = [
    {
      name: 'Before the first bad request every ratio is 0 and the budget whole, not absent',
      interval: `${SAMPLE_MINUTES}m`,
      input_series: [
        {
          series: `${HISTOGRAM}_count${api('status="200"')}`,
          values: counter([[PER_MINUTE, healthyMinutes]]),
        },
        ...file.slos.filter(isLatency).map((slo) => ({
          series: `${HISTOGRAM}_bucket${api(`status="200",le="${slo.threshold_seconds}"`)}`,
          values: counter([[PER_MINUTE, healthyMinutes]]),
        })),
      ],
      promql_expr_test: [
        ...windows(file).map((window) => ({
          expr: ratioRecord(window),
          eval_time: at(healthyMinutes),
          exp_samples: file.slos.map((slo) => ({
            labels: `${ratioRecord(window)}{slo="${slo.name}"}`,
            value: 0,
          })),
        })),
        {
          expr: BUDGET_RECORD,
          eval_time: at(healthyMinutes),
          exp_samples: file.slos.map((slo) => ({
            labels: `${BUDGET_RECORD}{slo="${slo.name}"}`,
            value: 1,
          })),
        },
      ],
    },
  ];
  const alerting = alertingRules(file);
  for (const [s, slo] of file.slos.entries()) {
    const rules = alerting[s] ?? [];
    for (const [k, alert] of file.burn_rate_alerts.entries()) {
      const threshold = alert.burn_rate * budget(slo);
      const faster = file.burn_rate_alerts[k - 1];
      const ratio = faster
        ? (threshold + faster.burn_rate * budget(slo)) / 2
        : Math.min(2 * threshold, 1);
      const bad = Math.round(ratio * PER_MINUTE);
      const actual = bad / PER_MINUTE;
      const long = minutes(alert.long_window);
      const short = minutes(alert.short_window);
      // The long window's ratio reaches the threshold after long * threshold / ratio minutes of errors.
      const fires = (long * threshold) / actual;
      const start = up(long);
      const quietAt = start + down(0.7 * fires);
      const firingAt = start + up(1.3 * fires);
      const end = firingAt + SCENARIO_GRAIN;
      const clearedAt = end + up(short + 1);
      const total = clearedAt + SCENARIO_GRAIN;
      const good = PER_MINUTE - bad;
      const input_series = isLatency(slo)
        ? [
            {
              series: `${HISTOGRAM}_count${api('status="200"')}`,
              values: counter([[PER_MINUTE, total]]),
            },
            {
              series: `${HISTOGRAM}_bucket${api(`status="200",le="${slo.threshold_seconds}"`)}`,
              values: counter([
                [PER_MINUTE, start],
                [good, end - start],
                [PER_MINUTE, total - end],
              ]),
            },
            // Probes are slow throughout: they must not count.
            {
              series: `${HISTOGRAM}_count${probe('status="200"')}`,
              values: counter([[PER_MINUTE, total]]),
            },
            {
              series: `${HISTOGRAM}_bucket${probe(`status="200",le="${slo.threshold_seconds}"`)}`,
              values: counter([[0, total]]),
            },
          ]
        : [
            {
              series: `${HISTOGRAM}_count${api('status="200"')}`,
              values: counter([
                [PER_MINUTE, start],
                [good, end - start],
                [PER_MINUTE, total - end],
              ]),
            },
            {
              series: `${HISTOGRAM}_count${api('status="503"')}`,
              values: counter([
                [0, start],
                [bad, end - start],
                [0, total - end],
              ]),
            },
            // Readiness probes fail throughout: they must not count.
            {
              series: `${HISTOGRAM}_count${probe('status="503"')}`,
              values: counter([[PER_MINUTE, total]]),
            },
          ];
      const rule = rules[k];
      if (!rule) throw new Error(`no alert rule for ${slo.name} ${alert.long_window}`);
      const firing: ExpAlert = { exp_labels: rule.labels, exp_annotations: rule.annotations };
      const tests: AlertTest[] = [
        { eval_time: at(start - SCENARIO_GRAIN), alertname: rule.alert, exp_alerts: [] },
        { eval_time: at(quietAt), alertname: rule.alert, exp_alerts: [] },
        { eval_time: at(firingAt), alertname: rule.alert, exp_alerts: [firing] },
        { eval_time: at(end), alertname: rule.alert, exp_alerts: [firing] },
        { eval_time: at(clearedAt), alertname: rule.alert, exp_alerts: [] },
      ];
      if (faster) {
        const above = alertName(slo, faster);
        tests.push(
          { eval_time: at(firingAt), alertname: above, exp_alerts: [] },
          { eval_time: at(end), alertname: above, exp_alerts: [] },
        );
      }
      groups.push({
        name:
          `${rule.alert}: ${percent(actual)} bad (threshold ${percent(num(threshold))}) fires after ` +
          `${Math.round(fires)}m of errors, clears ${alert.short_window} after they stop`,
        interval: `${SAMPLE_MINUTES}m`,
        input_series,
        alert_rule_test: tests,
      });
    }
  }
  return groups;
}
