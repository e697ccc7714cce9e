// p99 of /status at half the measured peak rate: constant-rate requests, latency from the due time,
// after a 2 s unmeasured warm-up, with the server and this generator each on a CPU of its own.
// Bare Koa at half its own peak, measured the same way in the same run, shows what the machine
// allows.
import { memory, mib, resetPeak, sampleRss } from '../lib/proc.ts';
import { openLoop, type OpenLoopResult } from '../lib/open-loop.ts';
import { onSeparateCpus } from './measure.ts';
import { gcBetween, gcTotals } from './service-metrics.ts';
import { DURATION, log } from './settings.ts';

export interface HalfRate {
  service: OpenLoopResult;
  /** Server and generator each had a CPU of its own. */
  pinned: boolean;
  /** The service's garbage collections during its run. */
  gc: string;
  peakRssMiB: number;
  koa: OpenLoopResult;
}

export async function measureHalfRate(
  service: { url: string; pid: number; reqPerSec: number },
  koa: { url: string; pid: number; reqPerSec: number },
): Promise<HalfRate> {
  const halfRate = Math.max(1, Math.floor(service.reqPerSec / 2));
  const gcBefore = await gcTotals(service.url);
  const halfExact = resetPeak(service.pid);
  const halfSampler = sampleRss(service.pid);
  const { result: half, pinned } = await onSeparateCpus(service.pid, () =>
    openLoop({ url: `${service.url}/status`, rate: halfRate, durationSeconds: DURATION }),
  );
  const halfSampled = halfSampler.stop();
  const halfGc = gcBetween(gcBefore, await gcTotals(service.url));
  const halfPeakMiB = mib(
    halfExact ? Math.max(memory(service.pid).hwmKiB, halfSampled) : halfSampled,
  );
  log(
    `service /status at half rate: ${half.achievedRate}/${halfRate} req/s, p50 ${half.p50Ms} ms, p99 ${half.p99Ms} ms, max ${half.maxMs} ms, errors ${half.errors}; GC ${halfGc}${pinned ? '' : ' (server and generator NOT on separate CPUs)'}`,
  );
  const { result: koaHalf } = await onSeparateCpus(koa.pid, () =>
    openLoop({
      url: `${koa.url}/status`,
      rate: Math.max(1, Math.floor(koa.reqPerSec / 2)),
      durationSeconds: DURATION,
    }),
  );
  log(
    `bare Koa /status at half its rate: ${koaHalf.achievedRate}/${koaHalf.targetRate} req/s, p50 ${koaHalf.p50Ms} ms, p99 ${koaHalf.p99Ms} ms, max ${koaHalf.maxMs} ms`,
  );
  return { service: half, pinned, gc: halfGc, peakRssMiB: halfPeakMiB, koa: koaHalf };
}
