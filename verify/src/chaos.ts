// make chaos: failure scenarios against the service built from service/dist, moto on loopback.
// Each scenario prints PASS/FAIL with its figures; the exit status is 1 when any fails.
//   1. emulator outage mid-load (killed and restarted; then frozen with SIGSTOP and resumed)
//   2. consistency of users and avatar objects after the interrupted writes of scenario 1
//   3. SIGTERM during load: nothing accepted before the signal fails; exit within the timeout
//   4. slow clients (slow headers, slow body) are cut off by server timeouts and block nobody
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, type Call } from './lib/http.ts';
import { stop } from './lib/proc.ts';
import {
  API_KEY,
  REPORTS,
  consistency,
  provision,
  startEmulator,
  startService,
  stopEmulator,
  type Emulator,
  type Resources,
  type Service,
} from './lib/stack.ts';
import { formBody, MULTIPART_TYPE, pngOfSize, postUserCall } from './lib/upload.ts';

const chaosUser = (name: string, avatar: Buffer) => ({ name, domain: 'chaos.example', avatar });

// The SDK settings the service runs with here (its env contract); bounds below derive from them.
const CONNECT_TIMEOUT_MS = Number(process.env.CHAOS_AWS_CONNECT_TIMEOUT_MS ?? 1000);
const REQUEST_TIMEOUT_MS = Number(process.env.CHAOS_AWS_REQUEST_TIMEOUT_MS ?? 2000);
const SDK_MAX_ATTEMPTS = 2; // service/src/aws/clients.ts
/** Longest one failing AWS call may take: every attempt hits a timeout, plus retry delay. */
const CALL_BOUND_MS = SDK_MAX_ATTEMPTS * (CONNECT_TIMEOUT_MS + REQUEST_TIMEOUT_MS) + 500;
const SHUTDOWN_TIMEOUT_MS = 10_000; // service default
const READY_CACHE_MS = 2000; // service/src/main.ts
const RECOVERY_LIMIT_MS = 5000;
// Node's http server checks headersTimeout/requestTimeout every connectionsCheckingInterval.
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_SERVER_MS = 60_000;
const CHECKING_INTERVAL_MS = 30_000;

/** A measured figure: printed as it is, objects and arrays as JSON. */
type Figure = string | number | boolean | null | undefined | object;
const results: { scenario: string; pass: boolean; figures: Record<string, Figure> }[] = [];
const t0 = performance.now();
const at = () => ((performance.now() - t0) / 1000).toFixed(1).padStart(6);
const log = (message: string) => {
  console.log(`[chaos ${at()}s] ${message}`);
};
const r0 = (n: number) => Math.round(n);

function verdict(
  scenario: string,
  pass: boolean,
  figures: Record<string, Figure>,
  notes: string[] = [],
) {
  results.push({ scenario, pass, figures });
  console.log(`\n${pass ? 'PASS' : 'FAIL'} ${scenario}`);
  for (const [key, value] of Object.entries(figures))
    console.log(
      `       ${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
    );
  for (const note of notes) console.log(`       ! ${note}`);
  console.log('');
}

let seq = 0;
const nextId = (prefix: string) => `${prefix}-${++seq}`;
const smallPng = pngOfSize(4096);
const mediumPng = pngOfSize(256 * 1024);

/** Mixed traffic from `workers` loops until stopped; every call is kept for judging. */
function mixedLoad(url: string, workers: number, prefix: string) {
  const calls: Call[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, w) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; running; i++) {
      const id = nextId(prefix);
      const kind = (w + i) % 4;
      const c =
        kind === 0 || kind === 1
          ? await postUserCall(
              url,
              id,
              chaosUser('Chaos', kind === 0 ? mediumPng : smallPng),
              agent,
            )
          : kind === 2
            ? await call(url, { op: 'GET /users', id, path: '/users?limit=20', agent })
            : await call(url, { op: 'GET /state', id, path: '/state', agent });
      calls.push(c);
      if (c.status === 0) await sleep(20);
    }
    agent.destroy();
  });
  return {
    calls,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** /status, /health and /ready every 250 ms. */
function probes(url: string) {
  const seen: Call[] = [];
  let running = true;
  const loops = ['/status', '/health', '/ready'].map(async (path) => {
    while (running) {
      seen.push(
        await call(url, { op: path, id: nextId('probe'), path, agent: false, timeoutMs: 15_000 }),
      );
      await sleep(250);
    }
  });
  return {
    seen,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Time from `since` until /ready is 200, one page of users is read and one user is created. */
async function recovery(url: string, since: number, label: string): Promise<number> {
  const deadline = since + 20_000;
  let ready = false;
  let read = false;
  let wrote = false;
  while (performance.now() < deadline && !(ready && read && wrote)) {
    const checks: (Call | undefined)[] = await Promise.all([
      ready
        ? undefined
        : call(url, {
            op: 'ready',
            id: nextId('rec'),
            path: '/ready',
            agent: false,
            timeoutMs: 10_000,
          }),
      read
        ? undefined
        : call(url, {
            op: 'read',
            id: nextId('rec'),
            path: '/users?limit=1',
            agent: false,
            timeoutMs: 10_000,
          }),
      wrote
        ? undefined
        : (() => {
            const id = nextId(`rec-${label}`);
            return call(url, {
              op: 'write',
              id,
              method: 'POST',
              path: '/user',
              agent: false,
              timeoutMs: 10_000,
              headers: { 'Content-Type': MULTIPART_TYPE },
              body: formBody(`Recovery ${id}`, `${id}@chaos.example`, smallPng),
            });
          })(),
    ]);
    ready ||= checks[0]?.status === 200;
    read ||= checks[1]?.status === 200;
    wrote ||= checks[2]?.status === 201;
    if (!(ready && read && wrote)) await sleep(100);
  }
  return ready && read && wrote ? performance.now() - since : Infinity;
}

async function emulatorOutage(
  emulator: Emulator,
  resources: Resources,
  service: Service,
): Promise<{ emulator: Emulator; resources: Resources }> {
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

  // Each AWS call the request makes in sequence may take up to CALL_BOUND_MS. POST /user makes
  // three before it can answer: the email check, the upload, the user write (a compensating
  // delete follows only a write that was refused at once, so three slow calls at most).
  const POST_USER_CALLS = 3;
  const bound = (op: string) => (op === 'POST /user' ? POST_USER_CALLS : 1) * CALL_BOUND_MS + 500;
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
  const statusCounts = (calls: Call[]) =>
    calls.reduce<Record<string, number>>((acc, c) => {
      const key = c.status ? String(c.status) : (c.clientError ?? 'error');
      acc[key] = (acc[key] ?? 0) + 1;
      return acc;
    }, {});
  verdict(
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
  const logLines = readFileSync(service.logFile, 'utf8');
  const count = (text: string) => logLines.split('\n').filter((line) => line.includes(text)).length;
  const orphanLogs = count('orphan object');
  const writeFailed = count('user write failed');
  const uploadFailed = count('avatar upload failed');
  // Scenario 2 (judged here: it reads what scenario 1 left). Uploads whose outcome was in doubt
  // are checked by the service itself once their calls settled: wait (bounded) until its
  // avatar_cleanup_pending gauge is 0, then compare the table with the bucket.
  const cleanupDeadline = Date.now() + 60_000;
  let pendingCleanups = Number.NaN;
  while (Date.now() < cleanupDeadline) {
    const metrics = await fetch(`${service.url}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    pendingCleanups = Number(/^avatar_cleanup_pending (\d+)/m.exec(metrics)?.[1] ?? Number.NaN);
    if (pendingCleanups === 0) break;
    await sleep(500);
  }
  const check = await consistency(again);
  verdict(
    'writes interrupted by the outages leave nothing half-done (every object has its user, every user its object)',
    check.orphanObjects.length === 0 && check.danglingUsers.length === 0,
    {
      'in-doubt uploads still unchecked by the service': pendingCleanups,
      'users in the table': check.users,
      'avatar objects in the bucket': check.objects,
      'orphan objects (no user)': check.orphanObjects.length,
      'users whose object is missing': check.danglingUsers.length,
      'POST /user answered 503 during the outages': during.filter(
        (c) => c.op === 'POST /user' && c.status === 503,
      ).length,
      'service log: avatar upload failed / user write failed / orphan object': `${uploadFailed} / ${writeFailed} / ${orphanLogs}`,
      scope: 'data written since the emulator restart of A (moto keeps state in memory only)',
    },
    [
      ...check.orphanObjects.slice(0, 5).map((k) => `orphan ${k}`),
      ...check.danglingUsers.slice(0, 5).map((u) => `dangling ${u}`),
    ],
  );
  return { emulator: restarted, resources: again };
}

async function sigtermDuringLoad(emulator: Emulator, resources: Resources): Promise<void> {
  log('scenario 3: SIGTERM during load');
  const logFile = join(REPORTS, 'chaos-service-sigterm.log');
  writeFileSync(logFile, '');
  const service = await startService({ emulator, resources, logFile, env: chaosEnv() });
  const calls: Call[] = [];
  let running = true;
  const avatar = pngOfSize(64 * 1024);
  const loops = Array.from({ length: 16 }, async (_, w) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; running; i++) {
      const id = nextId('term');
      const kind = (w + i) % 3;
      const c =
        kind === 0
          ? await call(service.url, {
              op: 'GET /users?limit=100',
              id,
              path: '/users?limit=100',
              agent,
            })
          : kind === 1
            ? await postUserCall(service.url, id, chaosUser('Term', avatar), agent)
            : await call(service.url, { op: 'GET /status', id, path: '/status', agent });
      calls.push(c);
      if (c.status === 0) break; // the listener is closed: this client is done
    }
    agent.destroy();
  });
  await sleep(3000);
  const signalAt = performance.now();
  service.process.child.kill('SIGTERM');
  const exit = await service.process.exited;
  const exitMs = exit.at - signalAt;
  running = false;
  await Promise.all(loops);

  // Accepted = the service logged the request (its access log line carries our X-Request-Id), or answered it.
  const logged = new Set<string>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; requestId?: string };
      if (entry.msg === 'request' && entry.requestId) logged.add(entry.requestId);
    } catch {
      // not a log line
    }
  }
  const beforeSignal = calls.filter((c) => c.sentAt < signalAt);
  const accepted = beforeSignal.filter((c) => logged.has(c.id) || c.status !== 0);
  const failed = accepted.filter((c) => !(c.status === 200 || c.status === 201));
  const notAccepted = beforeSignal.filter((c) => !logged.has(c.id) && c.status === 0);
  const notAcceptedEarly = notAccepted.filter((c) => signalAt - c.sentAt > 100);
  const inFlight = beforeSignal.filter((c) => c.endedAt > signalAt);
  const pass =
    failed.length === 0 &&
    notAcceptedEarly.length === 0 &&
    exit.code === 0 &&
    exitMs <= SHUTDOWN_TIMEOUT_MS;
  verdict(
    'SIGTERM during load: zero failed requests among those accepted before the signal, exit within SHUTDOWN_TIMEOUT_MS',
    pass,
    {
      'requests sent before the signal': beforeSignal.length,
      'accepted before the signal (in the access log or answered)': accepted.length,
      'of those still in flight at the signal': inFlight.length,
      'failed among accepted': failed.length,
      'sent before the signal, not accepted (connection closed by the drain, not logged)':
        notAccepted.length,
      'of those sent more than 100 ms before the signal': notAcceptedEarly.length,
      'requests after the signal (refused)': calls.length - beforeSignal.length,
      'exit code': exit.code ?? exit.signal,
      'exit after the signal, ms': r0(exitMs),
      'shutdown timeout, ms': SHUTDOWN_TIMEOUT_MS,
    },
    failed.slice(0, 5).map((c) => `${c.op} ${c.id}: status ${c.status} ${c.clientError ?? ''}`),
  );
}

/** A raw socket that sends `head` then one byte every `everyMs`; resolves when the server closes it. */
function dripper(port: number, head: string, drip: string, everyMs: number, capMs: number) {
  return new Promise<{ closedAfterMs: number; response: string }>((resolve) => {
    const started = performance.now();
    let response = '';
    let timer: NodeJS.Timeout | undefined;
    const socket: Socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
      let i = 0;
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write(drip.charAt(i++ % drip.length));
      }, everyMs);
    });
    const cap = setTimeout(() => socket.destroy(), capMs);
    socket.on('data', (chunk) => {
      response += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(cap);
      resolve({
        closedAfterMs: performance.now() - started,
        response: response.split('\r\n')[0] ?? '',
      });
    });
  });
}

async function slowClients(service: Service): Promise<void> {
  const headersLimit = HEADERS_TIMEOUT_MS + CHECKING_INTERVAL_MS + 2000;
  const bodyLimit = REQUEST_TIMEOUT_SERVER_MS + CHECKING_INTERVAL_MS + 2000;
  log(
    `scenario 4: slow clients (server headersTimeout ${HEADERS_TIMEOUT_MS} ms, requestTimeout ${REQUEST_TIMEOUT_SERVER_MS} ms, ` +
      `checked every ${CHECKING_INTERVAL_MS} ms: this takes up to ${Math.round(bodyLimit / 1000)} s)`,
  );
  const port = Number(new URL(service.url).port);
  const slowHeaders = Array.from({ length: 20 }, () =>
    dripper(
      port,
      'GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ',
      'abcdefghij',
      500,
      headersLimit + 5000,
    ),
  );
  const formHead =
    `POST /user HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${MULTIPART_TYPE}\r\nContent-Length: 1048576\r\n\r\n` +
    formBody('Slow Body', 'slow@chaos.example', Buffer.alloc(0))
      .subarray(0, 200)
      .toString('latin1');
  const slowBodies = Array.from({ length: 10 }, () =>
    dripper(port, formHead, 'x', 500, bodyLimit + 5000),
  );
  const jsonHead = `POST /update HTTP/1.1\r\nHost: 127.0.0.1\r\nAPI-Key: ${API_KEY}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"message":"`;
  const slowJson = Array.from({ length: 10 }, () =>
    dripper(port, jsonHead, 'y', 500, bodyLimit + 5000),
  );

  // Meanwhile, ordinary clients.
  const others: Call[] = [];
  let running = true;
  const monitor = (async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set false below, while this loop awaits
    while (running) {
      const [a, b] = await Promise.all([
        call(service.url, {
          op: '/status',
          id: nextId('slow-mon'),
          path: '/status',
          agent: false,
          timeoutMs: 10_000,
        }),
        call(service.url, {
          op: '/users',
          id: nextId('slow-mon'),
          path: '/users?limit=10',
          agent: false,
          timeoutMs: 10_000,
        }),
      ]);
      others.push(a, b);
      await sleep(200);
    }
  })();
  const [headers, bodies, jsons] = await Promise.all([
    Promise.all(slowHeaders),
    Promise.all(slowBodies),
    Promise.all(slowJson),
  ]);
  running = false;
  await monitor;
  const maxOf = (xs: { closedAfterMs: number }[]) =>
    r0(Math.max(...xs.map((x) => x.closedAfterMs)));
  const minOf = (xs: { closedAfterMs: number }[]) =>
    r0(Math.min(...xs.map((x) => x.closedAfterMs)));
  const responses = (xs: { response: string }[]) =>
    xs.reduce<Record<string, number>>((acc, x) => {
      const key = x.response || '(closed without a response)';
      acc[key] = (acc[key] ?? 0) + 1;
      return acc;
    }, {});
  const otherBad = others.filter((c) => c.status !== 200);
  const otherMs = others.map((c) => c.ms).sort((a, b) => a - b);
  const p99 = otherMs[Math.min(otherMs.length - 1, Math.ceil(otherMs.length * 0.99) - 1)] ?? NaN;
  const alive = await call(service.url, {
    op: '/health',
    id: nextId('slow'),
    path: '/health',
    agent: false,
  });
  const pass =
    maxOf(headers) <= headersLimit &&
    maxOf(bodies) <= bodyLimit &&
    maxOf(jsons) <= bodyLimit &&
    otherBad.length === 0 &&
    p99 < 1000 &&
    alive.status === 200 &&
    service.process.child.exitCode === null;
  verdict('slow clients are cut off by server timeouts and do not block others', pass, {
    '20 slow-header clients: closed after ms (min-max)': `${minOf(headers)}-${maxOf(headers)} (limit ${headersLimit})`,
    'slow-header responses': responses(headers),
    '10 slow multipart bodies (POST /user): closed after ms': `${minOf(bodies)}-${maxOf(bodies)} (limit ${bodyLimit})`,
    'slow multipart responses': responses(bodies),
    '10 slow JSON bodies (POST /update): closed after ms': `${minOf(jsons)}-${maxOf(jsons)} (limit ${bodyLimit})`,
    'slow JSON responses': responses(jsons),
    'other clients meanwhile: requests, non-200, p99 ms, max ms': `${others.length}, ${otherBad.length}, ${r0(p99)}, ${r0(otherMs.at(-1) ?? NaN)}`,
    'service still up afterwards': alive.status === 200 && service.process.child.exitCode === null,
  });
}

function chaosEnv(): Record<string, string> {
  return {
    AWS_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    AWS_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
  };
}

async function main(): Promise<void> {
  const only = process.env.CHAOS_ONLY?.split(',');
  const want = (n: string) => !only || only.includes(n);
  const motoLog = join(REPORTS, 'chaos-moto.log');
  const serviceLog = join(REPORTS, 'chaos-service.log');
  writeFileSync(motoLog, '');
  writeFileSync(serviceLog, '');
  let emulator = await startEmulator(motoLog);
  let resources = await provision(emulator.endpoint);
  const service = await startService({ emulator, resources, logFile: serviceLog, env: chaosEnv() });
  if (want('outage'))
    ({ emulator, resources } = await emulatorOutage(emulator, resources, service));
  if (want('sigterm')) await sigtermDuringLoad(emulator, resources);
  if (want('slow')) await slowClients(service);
  await stop(service.process);
  await stopEmulator(emulator);

  const failed = results.filter((r) => !r.pass);
  writeFileSync(
    join(REPORTS, 'chaos-latest.json'),
    JSON.stringify({ date: new Date().toISOString(), results }, null, 2),
  );
  console.log(
    `chaos: ${results.length - failed.length}/${results.length} scenarios passed in ${Math.round((performance.now() - t0) / 1000)} s (reports/chaos-latest.json, logs reports/chaos-*.log)`,
  );
  process.exitCode = failed.length ? 1 : 0;
}

await main();
