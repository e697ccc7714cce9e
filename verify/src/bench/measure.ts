// One autocannon run against one server process, with its peak RSS and its CPU time from /proc;
// runs of the same request in rounds combined into one row.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { memory, mib, pinToCpu, resetPeak, sampleRss } from '../lib/proc.ts';
import { CONNECTIONS, DURATION, log, median, round1 } from './settings.ts';

export interface Row {
  name: string;
  target: 'bare node:http' | 'bare Koa' | 'service' | 'service, traced';
  method: string;
  path: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  peakRssMiB: number;
  /** Server CPU time (user + system) per request: less sensitive to a noisy machine than req/s. */
  cpuUsPerReq: number;
  ratioToKoa?: number;
  rounds?: number[];
}

export type Options = autocannon.Options;
export type Load = Options & { method?: string; path: string };

/** user + system CPU seconds of a process so far (/proc/<pid>/stat, clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  // The fields after the command name, which may itself hold spaces and parentheses.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The first of rows measured in rounds; a bench without a round is a bug of the bench. */
export function firstRound<T>(rows: T[]): T {
  const [first] = rows;
  if (first === undefined) throw new Error('bench: no round was measured');
  return first;
}

/** Unrecorded load on /status before the measured runs (JIT, connection pools). */
export async function warmUp(url: string): Promise<void> {
  await autocannon({ url: `${url}/status`, connections: CONNECTIONS, duration: 1 });
}

async function load(options: Options): Promise<autocannon.Result> {
  return autocannon({ connections: CONNECTIONS, duration: DURATION, ...options });
}

/** One autocannon run against one process, with that process's peak RSS during the run. */
export async function measure(
  name: string,
  target: Row['target'],
  pid: number,
  options: Load,
): Promise<Row> {
  const { path, ...rest } = options;
  const url = rest.url + path;
  const exact = resetPeak(pid);
  const sampler = sampleRss(pid);
  const cpuBefore = cpuSeconds(pid);
  const result = await load({ ...rest, url });
  const cpuUsed = cpuSeconds(pid) - cpuBefore;
  const sampled = sampler.stop();
  const peak = exact ? Math.max(memory(pid).hwmKiB, sampled) : sampled;
  const errors = result.errors + result.timeouts + result.non2xx;
  const row: Row = {
    name,
    target,
    method: options.method ?? 'GET',
    path,
    reqPerSec: round1(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors,
    peakRssMiB: mib(peak),
    cpuUsPerReq: Math.round((cpuUsed * 1e6) / Math.max(1, result.requests.total)),
  };
  log(
    `${name.padEnd(28)} ${String(row.reqPerSec).padStart(9)} req/s  p50 ${row.p50Ms} ms  p99 ${row.p99Ms} ms  errors ${errors}  peak RSS ${row.peakRssMiB} MiB  CPU ${row.cpuUsPerReq} us/req`,
  );
  return row;
}

/** Rounds of one request as one row: the median round's figures, the largest peak, the sums. */
export function combine(rows: Row[]): Row {
  const rates = rows.map((row) => row.reqPerSec);
  const mid = rows.find((row) => row.reqPerSec === median(rates)) ?? firstRound(rows);
  return {
    ...mid,
    name: mid.name.replace(/ #\d+$/, ''),
    reqPerSec: round1(median(rates)),
    peakRssMiB: Math.max(...rows.map((row) => row.peakRssMiB)),
    errors: rows.reduce((sum, row) => sum + row.errors, 0),
    requests: rows.reduce((sum, row) => sum + row.requests, 0),
    cpuUsPerReq: Math.round(median(rows.map((row) => row.cpuUsPerReq))),
    rounds: rates,
  };
}

/**
 * Runs a latency measurement with the server on CPU 0 and this process (the generator) on CPU 1,
 * then lets both use every CPU again. On two shared cores the two otherwise take turns, and the
 * waits show up as latency: bare Koa at half its peak had a p99 over 100 ms that way.
 */
export async function onSeparateCpus<T>(
  serverPid: number,
  run: () => Promise<T>,
): Promise<{ result: T; pinned: boolean }> {
  const pinned = pinToCpu(serverPid, 0) && pinToCpu(process.pid, 1);
  try {
    return { result: await run(), pinned };
  } finally {
    pinToCpu(serverPid, undefined);
    pinToCpu(process.pid, undefined);
  }
}
