// Scenario 1: the emulator stops under mixed load, twice: (A) killed and restarted empty, its
// tables and bucket re-created; (B) frozen with SIGSTOP (connections accepted, never answered),
// then resumed. Requests fail fast with 503 and a JSON error, /ready says 503, /status and /health
// stay 200, and the service recovers within RECOVERY_LIMIT_MS of the emulator's return.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Call } from '../lib/http.ts';
import {
  provision,
  startEmulator,
  type Emulator,
  type Resources,
  type Service,
} from '../lib/stack.ts';
import { r0, type Report } from './report.ts';
import {
  CALL_BOUND_MS,
  CONNECT_TIMEOUT_MS,
  READY_CACHE_MS,
  RECOVERY_LIMIT_MS,
  REQUEST_TIMEOUT_MS,
  SDK_MAX_ATTEMPTS,
} from './settings.ts';
import { mixedLoad, probes, recovery, statusCounts } from './traffic.ts';

export interface Outage {
  /** The emulator after the outages, and the resources re-created on it. */
  emulator: Emulator;
  resources: Resources;
  /** The load's calls that overlapped an outage. */
  during: Call[];
}

// Each AWS call the request makes in sequence may take up to CALL_BOUND_MS. POST /user makes
// three before it can answer: the email check, the upload, the user write (a compensating
// delete follows only a write that was refused at once, so three slow calls at most).
const POST_USER_CALLS = 3;
const bound = (op: string) => (op === 'POST /user' ? POST_USER_CALLS : 1) * CALL_BOUND_MS + 500;

export async function emulatorOutage(
  report: Report,
  emulator: Emulator,
  resources: Resources,
  service: Service,
): Promise<Outage> {
  const { log } = report;
  log(
    `scenario 1: emulator outage under load (SDK connect ${CONNECT_TIMEOUT_MS} ms, request ${REQUEST_TIMEOUT_MS} ms, ${SDK_MAX_ATTEMPTS} attempts)`,
  );
  const load = mixedLoad(service.url, 12, 'out');
  const probe = probes(service.url);
  await sleep(3000);

  // A: the emulator process dies (connections refused), comes back empty, its resources are re-created.
  const killAt = performance.now();
  emulator.process.child.kill('SIGKILL');
  await emulator.process.exited;
  log('A: emulator killed');
  await sleep(6000);
  const restarted = await startEmulator(emulator.logFile, emulator.port);
  const again = await provision(restarted.endpoint, resources);
  const backA = performance.now();
  log('A: emulator back on the same port, tables and bucket re-created');
  const recoveryA = await recovery(service.url, backA, 'A');
  log(`A: recovered in ${r0(recoveryA)} ms`);
  await sleep(2000);

  // B: the emulator freezes (SIGSTOP: connections accepted, never answered), then resumes.
  const freezeAt = performance.now();
  restarted.process.child.kill('SIGSTOP');
  log('B: emulator frozen (SIGSTOP)');
  await sleep(2 * CALL_BOUND_MS + 1000);
  restarted.process.child.kill('SIGCONT');
  const backB = performance.now();
  log('B: emulator resumed (SIGCONT)');
  const recoveryB = await recovery(service.url, backB, 'B');
  log(`B: recovered in ${r0(recoveryB)} ms`);
  await sleep(1000);
  await load.stop();
  await probe.stop();

  const windows = [
    { name: 'A', from: killAt, to: backA },
    { name: 'B', from: freezeAt, to: backB },
  ];
  const inWindow = (c: Call) => windows.some((w) => c.endedAt > w.from && c.startedAt < w.to);
  const during = load.calls.filter(inWindow);
  const failedDuring = during.filter((c) => c.status !== 200 && c.status !== 201);
  const badFailures = failedDuring.filter((c) => !(c.status === 503 && c.errorEnvelope));
  const tooSlow = load.calls.filter((c) => c.ms > bound(c.op));
  const outside = load.calls.filter(
    (c) => !inWindow(c) && c.status !== 200 && c.status !== 201 && c.status !== 409,
  );
  const byOp = (calls: Call[]) =>
    Object.fromEntries(
      [...new Set(calls.map((c) => c.op))].map((op) => {
        const mine = calls.filter((c) => c.op === op);
        return [op, { n: mine.length, maxMs: r0(Math.max(...mine.map((c) => c.ms))) }];
      }),
    );
  const liveness = probe.seen.filter((c) => c.op === '/status' || c.op === '/health');
  const livenessBad = liveness.filter((c) => c.status !== 200);
  const ready = probe.seen.filter((c) => c.op === '/ready');
  const readyBad = windows.map((w) => {
    // Once the cache and one failing check have had time, /ready must say 503 until the emulator is back.
    const settled = w.from + READY_CACHE_MS + CALL_BOUND_MS;
    const inside = ready.filter((c) => c.startedAt > settled && c.endedAt < w.to);
    return {
      window: w.name,
      probes: inside.length,
      non503: inside.filter((c) => c.status !== 503 || !c.errorEnvelope).length,
      saw503: ready.some(
        (c) => c.startedAt > w.from && c.endedAt < w.to + 1000 && c.status === 503,
      ),
    };
  });
  const pass =
    failedDuring.length > 0 &&
    badFailures.length === 0 &&
    tooSlow.length === 0 &&
    livenessBad.length === 0 &&
    readyBad.every((r) => r.saw503 && r.non503 === 0) &&
    recoveryA <= RECOVERY_LIMIT_MS &&
    recoveryB <= RECOVERY_LIMIT_MS;
  report.verdict(
    'emulator stops mid-load: fail fast with 503 + JSON error, /ready 503, /status and /health 200, recovery < 5 s',
    pass,
    {
      'requests during the outages (by status)': statusCounts(during),
      'failures that were not 503 + error envelope': badFailures.length,
      'slowest request by route (ms), whole run': byOp(load.calls),
      'bound per request (ms)': `1 AWS call ${CALL_BOUND_MS + 500}, POST /user (email check, upload, user write) ${bound('POST /user')}`,
      'requests over their bound': tooSlow.length,
      'non-2xx outside the outages (409 excluded)': statusCounts(outside),
      '/status + /health probes (non-200)': `${liveness.length} (${livenessBad.length})`,
      '/ready during the outages': readyBad,
      'recovery after the emulator restarted (A), ms': r0(recoveryA),
      'recovery after the emulator resumed (B), ms': r0(recoveryB),
    },
    [
      ...badFailures
        .slice(0, 5)
        .map(
          (c) =>
            `${c.op} ${c.id}: status ${c.status} ${c.clientError ?? ''} envelope=${c.errorEnvelope}`,
        ),
      ...tooSlow.slice(0, 5).map((c) => `${c.op} ${c.id}: ${r0(c.ms)} ms (bound ${bound(c.op)})`),
      ...livenessBad.slice(0, 5).map((c) => `${c.op}: status ${c.status} ${c.clientError ?? ''}`),
    ],
  );
  return { emulator: restarted, resources: again, during };
}
