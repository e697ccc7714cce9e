// A constant-rate (open-loop) load generator: requests come due at a fixed rate whatever the
// server does, and each latency counts from the moment the request was due, so a stall is not
// hidden (no coordinated omission). autocannon's rate mode sends each second's quota in a burst
// and corrects latencies with a 1 ms expected interval, which is not what "at half the peak
// rate" means; this is used for that measurement instead. Raw keep-alive sockets, one request in
// flight per socket, so the generator itself stays cheap. Requests are released every ~1 ms tick;
// the tick delay counts in the latency (it can only overstate it). The first warmupSeconds run at
// the same rate but are not measured (as wrk2's calibration period): the generator's own code is
// compiled by V8 then, and a cold generator showed p99s of 40-70 ms at rates it later serves in
// 2-3 ms.
import { connect, type Socket } from 'node:net';

export interface OpenLoopResult {
  targetRate: number;
  sent: number;
  completed: number;
  errors: number;
  achievedRate: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

/** The p-th percentile (nearest rank) of sorted samples; NaN without samples. */
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const r2 = (n: number) => Math.round(n * 100) / 100;
const HEADER_END = Buffer.from('\r\n\r\n');

export async function openLoop(options: {
  url: string;
  rate: number;
  durationSeconds: number;
  sockets?: number;
  /** Run at the rate first for this long, without measuring. Default 2. */
  warmupSeconds?: number;
}): Promise<OpenLoopResult> {
  const url = new URL(options.url);
  const requestBytes = Buffer.from(
    `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`,
  );
  const latencies: number[] = [];
  const due: number[] = [];
  let sent = 0;
  let errors = 0;
  let measureFrom = Infinity;
  const idle: Conn[] = [];

  interface Conn {
    socket: Socket;
    buffer: Buffer;
    dueAt: number;
  }
  const open = (): Promise<Conn> =>
    new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        resolve(conn);
      });
      socket.setNoDelay(true);
      const conn: Conn = { socket, buffer: Buffer.alloc(0), dueAt: 0 };
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => {
        conn.buffer = conn.buffer.length ? Buffer.concat([conn.buffer, chunk]) : chunk;
        const end = conn.buffer.indexOf(HEADER_END);
        if (end < 0) return;
        const head = conn.buffer.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (conn.buffer.length < end + 4 + length) return;
        if (!head.startsWith('HTTP/1.1 200')) errors++;
        else if (conn.dueAt >= measureFrom) latencies.push(performance.now() - conn.dueAt);
        conn.buffer = conn.buffer.subarray(end + 4 + length);
        release(conn);
      });
    });
  const release = (conn: Conn) => {
    const next = due.shift();
    if (next === undefined) {
      idle.push(conn);
      return;
    }
    conn.dueAt = next;
    if (next >= measureFrom) sent++;
    conn.socket.write(requestBytes);
  };
  const conns = await Promise.all(Array.from({ length: options.sockets ?? 128 }, open));
  idle.push(...conns);

  const started = performance.now();
  measureFrom = started + (options.warmupSeconds ?? 2) * 1000;
  const end = measureFrom + options.durationSeconds * 1000;
  const interval = 1000 / options.rate;
  let next = started;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next <= now && next < end) {
        due.push(next);
        next += interval;
      }
      while (due.length > 0) {
        const conn = idle.pop();
        if (conn === undefined) break;
        release(conn);
      }
      if (next >= end) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  // Let what is queued and in flight finish (bounded).
  const drainDeadline = performance.now() + 10_000;
  while ((due.length > 0 || idle.length < conns.length) && performance.now() < drainDeadline) {
    await new Promise((r) => setTimeout(r, 5));
  }
  errors += due.length + (conns.length - idle.length);
  for (const conn of conns) conn.socket.destroy();
  const elapsed = (performance.now() - measureFrom) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    targetRate: options.rate,
    sent,
    completed: latencies.length,
    errors,
    achievedRate: Math.round(latencies.length / elapsed),
    p50Ms: r2(percentile(sorted, 50)),
    p90Ms: r2(percentile(sorted, 90)),
    p99Ms: r2(percentile(sorted, 99)),
    p999Ms: r2(percentile(sorted, 99.9)),
    maxMs: r2(sorted.at(-1) ?? NaN),
  };
}
