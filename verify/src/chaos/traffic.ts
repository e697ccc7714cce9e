// The traffic of the scenarios: mixed load from keep-alive clients, health probes, and the
// measure of recovery (ready, read and write again). Every call is kept for judging; request ids
// are unique across the whole run.
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, type Call } from '../lib/http.ts';
import { formBody, MULTIPART_TYPE, pngOfSize, postUserCall } from '../lib/upload.ts';
import { chaosUser } from './settings.ts';

let seq = 0;
export const nextId = (prefix: string) => `${prefix}-${++seq}`;
export const smallPng = pngOfSize(4096);
const mediumPng = pngOfSize(256 * 1024);

/** Mixed traffic from `workers` loops until stopped; every call is kept for judging. */
export function mixedLoad(url: string, workers: number, prefix: string) {
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
export function probes(url: string) {
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
export async function recovery(url: string, since: number, label: string): Promise<number> {
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

/** Counts of calls by status, or by client error when there was no answer. */
export function statusCounts(calls: Call[]): Record<string, number> {
  return calls.reduce<Record<string, number>>((acc, c) => {
    const key = c.status ? String(c.status) : (c.clientError ?? 'error');
    acc[key] = (acc[key] ?? 0) + 1;
    return acc;
  }, {});
}
