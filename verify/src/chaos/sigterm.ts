// Scenario 3: SIGTERM to a service under load. Nothing it accepted before the signal fails, and
// it exits with status 0 within SHUTDOWN_TIMEOUT_MS. Accepted = the service logged the request
// (its access log line carries our X-Request-Id), or answered it.
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, type Call } from '../lib/http.ts';
import { REPORTS, startService, type Emulator, type Resources } from '../lib/stack.ts';
import { pngOfSize, postUserCall } from '../lib/upload.ts';
import { r0, type Report } from './report.ts';
import { chaosEnv, chaosUser, SHUTDOWN_TIMEOUT_MS } from './settings.ts';
import { nextId } from './traffic.ts';

export async function sigtermDuringLoad(
  report: Report,
  emulator: Emulator,
  resources: Resources,
): Promise<void> {
  report.log('scenario 3: SIGTERM during load');
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

  const logged = loggedRequestIds(readFileSync(logFile, 'utf8'));
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
  report.verdict(
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

/** The request ids of the access log lines ({"msg":"request","requestId":...}) of a service log. */
function loggedRequestIds(log: string): Set<string> {
  const logged = new Set<string>();
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; requestId?: string };
      if (entry.msg === 'request' && entry.requestId) logged.add(entry.requestId);
    } catch {
      // not a log line
    }
  }
  return logged;
}
