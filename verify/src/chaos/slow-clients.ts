// Scenario 4: slow clients (headers, multipart bodies, JSON bodies dripped one byte every 500 ms)
// are cut off by the server's headersTimeout and requestTimeout, while ordinary clients keep being
// answered quickly and the service stays up.
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, type Call } from '../lib/http.ts';
import { API_KEY, type Service } from '../lib/stack.ts';
import { formBody, MULTIPART_TYPE } from '../lib/upload.ts';
import { r0, type Report } from './report.ts';
import { CHECKING_INTERVAL_MS, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_SERVER_MS } from './settings.ts';
import { nextId } from './traffic.ts';

interface Dripped {
  closedAfterMs: number;
  /** The status line the server answered, '' if none. */
  response: string;
}

/** A raw socket that sends `head` then one byte every `everyMs`; resolves when the server closes it. */
function dripper(port: number, head: string, drip: string, everyMs: number, capMs: number) {
  return new Promise<Dripped>((resolve) => {
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

const maxOf = (xs: Dripped[]) => r0(Math.max(...xs.map((x) => x.closedAfterMs)));
const minOf = (xs: Dripped[]) => r0(Math.min(...xs.map((x) => x.closedAfterMs)));
const responses = (xs: Dripped[]) =>
  xs.reduce<Record<string, number>>((acc, x) => {
    const key = x.response || '(closed without a response)';
    acc[key] = (acc[key] ?? 0) + 1;
    return acc;
  }, {});

export async function slowClients(report: Report, service: Service): Promise<void> {
  const headersLimit = HEADERS_TIMEOUT_MS + CHECKING_INTERVAL_MS + 2000;
  const bodyLimit = REQUEST_TIMEOUT_SERVER_MS + CHECKING_INTERVAL_MS + 2000;
  report.log(
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
  report.verdict('slow clients are cut off by server timeouts and do not block others', pass, {
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
