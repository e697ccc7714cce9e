// make obs-prometheus-check: the rules of observability/prometheus/rules, unchanged, in a real
// Prometheus (built from the pinned module, PROMETHEUS_VERSION) scraping the real service.
//   1. moto on loopback, its tables and bucket, the service from service/dist;
//   2. prometheus with a generated configuration: the job of observability/slos.yaml scraping
//      the service every second, the rule files loaded, rules evaluated every second;
//   3. light traffic on the API routes (pages of users, the state, avatar uploads) and probes;
//   4. every rule loads and evaluates without error, and every recording rule writes series;
//      the fast-burn availability alert is quiet while the API is healthy;
//   5. moto is stopped: the API answers 503 (dependency_unavailable) and the fast-burn alert
//      (ApiAvailabilityBudgetBurn1h: 1h and 5m above 14.4x the budget) must become pending or
//      firing within ALERT_DEADLINE_MS.
// The windows are the real ones: rate() over a window uses the samples it holds, so after a minute
// of data the 1h and 5m ratios are both the ratio of that minute. Exits 1 when a check fails.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { call, type Call } from '../lib/http.ts';
import { freePort, start, stop, waitForHttp } from '../lib/proc.ts';
import { provision, REPORTS, startEmulator, startService, stopEmulator } from '../lib/stack.ts';
import { pngOfSize, postUserCall } from '../lib/upload.ts';
import {
  metricNames,
  PROMETHEUS_SERIES,
  recordedSeries,
  ruleFiles,
  serviceSeries,
} from './metrics-catalog.ts';
import { allPanels, DASHBOARDS, type Dashboard } from './dashboard-check.ts';
import { loadSlos, ROOT } from './slos.ts';

const FAST_BURN = 'ApiAvailabilityBudgetBurn1h';
const HEALTHY_MS = 15_000;
const ALERT_DEADLINE_MS = 45_000;
/** Series that exist only once something happened (a labelled counter, a first GC). */
const EVENT_ONLY = new Set(['users_listing_aborted_total', 'nodejs_gc_duration_seconds_sum']);

const out = join(REPORTS, 'observability');
mkdirSync(out, { recursive: true });
const t0 = performance.now();
const log = (message: string) => {
  console.log(
    `[obs-prometheus ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${message}`,
  );
};

const failures: string[] = [];
function check(ok: boolean, what: string, detail = ''): void {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
  if (!ok) failures.push(what);
}

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(base: string, promql: string): Promise<Sample[]> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as {
    status: string;
    data?: { result: Sample[] };
    error?: string;
  };
  if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error ?? res.status}`);
  return body.data?.result ?? [];
}

interface RuleStatus {
  name: string;
  type: 'recording' | 'alerting';
  health: string;
  lastError?: string;
  state?: string;
}
async function ruleStatuses(base: string): Promise<RuleStatus[]> {
  const res = await fetch(`${base}/api/v1/rules`);
  const body = (await res.json()) as { data: { groups: { rules: RuleStatus[] }[] } };
  return body.data.groups.flatMap((group) => group.rules);
}

/** Traffic on API routes from a few keep-alive loops, plus probes; every call is kept. */
function traffic(url: string) {
  const calls: Call[] = [];
  let running = true;
  let seq = 0;
  const avatar = pngOfSize(8 * 1024);
  const loops = [0, 1, 2].map(async (worker) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; running; i++) {
      const id = `obs-${worker}-${++seq}`;
      const kind = (worker + i) % 3;
      calls.push(
        kind === 0
          ? await call(url, { op: 'GET /users', id, path: '/users?limit=10', agent })
          : kind === 1
            ? await call(url, { op: 'GET /state', id, path: '/state', agent })
            : await postUserCall(url, id, { name: 'Obs', domain: 'obs.example', avatar }, agent),
      );
      await sleep(40);
    }
    agent.destroy();
  });
  const probes = (async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set false by stop() while this loop awaits
    while (running) {
      for (const path of ['/ready', '/status'])
        calls.push(await call(url, { op: path, id: `probe-${++seq}`, path, agent: false }));
      await sleep(1000);
    }
  })();
  return {
    calls,
    async stop() {
      running = false;
      await Promise.all([...loops, probes]);
    },
  };
}

const statusCounts = (calls: Call[]) => {
  const counts: Record<string, number> = {};
  for (const c of calls) if (!c.op.startsWith('/')) counts[c.status] = (counts[c.status] ?? 0) + 1;
  return counts;
};

async function main(): Promise<void> {
  const prometheusBin = process.env.PROMETHEUS;
  if (!prometheusBin)
    throw new Error('PROMETHEUS must name the prometheus binary (make does this)');
  const version =
    execFileSync(prometheusBin, ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  log(version);
  const slos = loadSlos();

  const emulator = await startEmulator(join(out, 'moto.log'));
  const resources = await provision(emulator.endpoint);
  const service = await startService({
    emulator,
    resources,
    logFile: join(out, 'service.log'),
    // Fail fast once the emulator is gone: refused connections, short timeouts.
    env: { AWS_CONNECT_TIMEOUT_MS: '500', AWS_REQUEST_TIMEOUT_MS: '1000', LOG_LEVEL: 'warn' },
  });
  log(`moto ${emulator.endpoint}, service ${service.url}`);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = join(out, 'prometheus.yml');
  writeFileSync(
    config,
    `# Generated by verify/src/observability/prometheus-check.ts: the rules of\n# observability/prometheus/rules as they are, scraped and evaluated every second.\n` +
      stringify({
        global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
        rule_files: ruleFiles(),
        scrape_configs: [
          {
            job_name: slos.job,
            static_configs: [{ targets: [`127.0.0.1:${service.port}`] }],
          },
        ],
      }),
  );
  const data = join(out, 'prometheus-data');
  execFileSync('rm', ['-rf', data]);
  const prometheus = start(
    prometheusBin,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { logFile: join(out, 'prometheus.log') },
  );
  await waitForHttp(`${base}/-/ready`, { statuses: [200], process: prometheus, timeoutMs: 60_000 });
  log(`prometheus ${base} (config ${relative(ROOT, config)})`);

  const load = traffic(service.url);
  await sleep(HEALTHY_MS);
  const healthy = statusCounts(load.calls);
  log(`healthy traffic: ${JSON.stringify(healthy)}`);

  const statuses = await ruleStatuses(base);
  const broken = statuses.filter((rule) => rule.health !== 'ok');
  check(
    statuses.length > 0 && broken.length === 0,
    'every rule loads and evaluates',
    `${statuses.length} rules, ${broken.length} unhealthy${broken.map((r) => ` ${r.name}: ${r.lastError ?? r.health}`).join(';')}`,
  );
  const recorded = [...recordedSeries()];
  const missing: string[] = [];
  for (const name of recorded) {
    const bySlo = await query(base, `count by (slo) (${name})`);
    for (const slo of slos.slos)
      if (!bySlo.some((sample) => sample.metric.slo === slo.name))
        missing.push(`${name}{slo="${slo.name}"}`);
  }
  check(
    missing.length === 0,
    'every recording rule writes series for every objective',
    missing.length
      ? `none for ${missing.join(', ')}`
      : `${recorded.length} names x ${slos.slos.map((slo) => slo.name).join(', ')}`,
  );
  const ratio = await query(base, 'slo:sli_error:ratio_rate5m');
  check(
    ratio.length === slos.slos.length,
    'one 5m error ratio per objective',
    ratio.map((s) => `${s.metric.slo ?? '?'}=${s.value[1]}`).join(' '),
  );
  // Prometheus 3 normalizes classic histogram bounds: prom-client's le="1" is stored as "1.0".
  const les = await query(
    base,
    'count by (le) (http_request_duration_seconds_bucket{le=~"1|1.0|0.5"})',
  );
  log(`bucket bounds as stored: ${les.map((s) => `le="${s.metric.le ?? ''}"`).join(' ')}`);
  const budget = await query(base, 'slo:error_budget_remaining:ratio');
  log(`error budget left: ${budget.map((s) => `${s.metric.slo ?? '?'}=${s.value[1]}`).join(' ')}`);
  const quiet = await query(base, `ALERTS{alertname="${FAST_BURN}"}`);
  check(
    quiet.length === 0,
    `${FAST_BURN} quiet while the API is healthy`,
    quiet.map((s) => s.metric.alertstate).join(' '),
  );

  // The dashboards' series: what the service exposes must be there after a healthy run.
  const exposed = await serviceSeries();
  const dashboardSeries = new Set<string>();
  for (const file of readdirSync(DASHBOARDS).filter((name) => name.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as Dashboard;
    for (const panel of allPanels(dashboard))
      for (const target of panel.targets ?? [])
        for (const name of metricNames(target.expr ?? ''))
          if (exposed.has(name) && !PROMETHEUS_SERIES.includes(name)) dashboardSeries.add(name);
  }
  const absent: string[] = [];
  for (const name of dashboardSeries)
    if ((await query(base, `count(${name}{job="${slos.job}"})`)).length === 0) absent.push(name);
  const unexpected = absent.filter((name) => !EVENT_ONLY.has(name));
  check(
    unexpected.length === 0,
    "the dashboard's service series are scraped",
    `${dashboardSeries.size - absent.length}/${dashboardSeries.size} present` +
      (absent.length
        ? `; absent: ${absent.join(', ')}${unexpected.length ? '' : ' (only once an event happens)'}`
        : ''),
  );

  // The outage.
  await stopEmulator(emulator);
  const stoppedAt = performance.now();
  const before = load.calls.length;
  log('moto stopped: the API should answer 503');
  let state = '';
  let after = 0;
  while (performance.now() - stoppedAt < ALERT_DEADLINE_MS) {
    await sleep(1000);
    const alerts = await query(base, `ALERTS{alertname="${FAST_BURN}"}`);
    const states = alerts.map((s) => s.metric.alertstate ?? '');
    if (states.includes('firing') || states.includes('pending')) {
      state = states.includes('firing') ? 'firing' : 'pending';
      after = performance.now() - stoppedAt;
      break;
    }
  }
  const outage = statusCounts(load.calls.slice(before));
  log(`outage traffic: ${JSON.stringify(outage)}`);
  check(
    (outage['503'] ?? 0) > 0,
    'the API answers 503 without its dependencies',
    JSON.stringify(outage),
  );
  const ratios = await query(
    base,
    '{__name__=~"slo:sli_error:ratio_rate(5m|1h)",slo="availability"}',
  );
  check(
    state !== '',
    `${FAST_BURN} pending or firing after the emulator stopped`,
    state
      ? `${state} after ${(after / 1000).toFixed(1)} s; ${ratios.map((s) => `${s.metric.__name__ ?? ''}=${Number(s.value[1]).toFixed(3)}`).join(' ')}`
      : `not within ${ALERT_DEADLINE_MS / 1000} s`,
  );
  const active = await query(base, 'ALERTS');
  log(
    `alerts now: ${active.map((s) => `${s.metric.alertname ?? ''}(${s.metric.alertstate ?? ''})`).join(' ') || 'none'}`,
  );

  await load.stop();
  await stop(prometheus);
  await stop(service.process);
  const seconds = ((performance.now() - t0) / 1000).toFixed(0);
  console.log(
    failures.length === 0
      ? `obs-prometheus-check: PASS in ${seconds} s (logs and config in ${relative(ROOT, out)})`
      : `obs-prometheus-check: FAIL (${failures.join('; ')}) in ${seconds} s; logs in ${relative(ROOT, out)}`,
  );
  process.exit(failures.length === 0 ? 0 : 1);
}

await main();
