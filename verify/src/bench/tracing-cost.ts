// The cost of tracing: the same service with tracing on at the default sampler, exporting to a
// local OTLP sink, measured beside the untraced figures of the same run.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stop } from '../lib/proc.ts';
import { REPORTS, startService } from '../lib/stack.ts';
import { startOtlpSink } from '../lib/otlp-sink.ts';
import { firstRound, measure, warmUp, type Load, type Row } from './measure.ts';
import { STATUS_ROUNDS, log, median, round1 } from './settings.ts';

export type Stack = Pick<Parameters<typeof startService>[0], 'emulator' | 'resources'>;
export type TracingSummary = Awaited<ReturnType<typeof measureTraced>>['summary'];

/**
 * The same service with tracing on at the default sampler (parentbased_always_on: every request
 * traced), exporting to a local OTLP sink: /status in as many rounds as the untraced figure, and
 * POST /user once. CPU per request beside the untraced figures of the same run.
 */
export async function measureTraced(
  stack: Stack,
  untraced: { status: Row; postUser: Row },
  postUserLoad: (url: string) => Load,
) {
  const sink = await startOtlpSink();
  const traced = await startService({
    ...stack,
    logFile: join(REPORTS, 'bench-service-traced.log'),
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url },
  });
  await warmUp(traced.url);
  const rounds: Row[] = [];
  for (let round = 1; round <= STATUS_ROUNDS; round++)
    rounds.push(
      await measure(`service, traced /status #${round}`, 'service, traced', traced.process.pid, {
        url: traced.url,
        path: '/status',
      }),
    );
  const rates = rounds.map((row) => row.reqPerSec);
  const mid = rounds.find((row) => row.reqPerSec === median(rates)) ?? firstRound(rounds);
  const status: Row = {
    ...mid,
    name: 'service, traced /status',
    reqPerSec: round1(median(rates)),
    cpuUsPerReq: Math.round(median(rounds.map((row) => row.cpuUsPerReq))),
    errors: rounds.reduce((sum, row) => sum + row.errors, 0),
    requests: rounds.reduce((sum, row) => sum + row.requests, 0),
    rounds: rates,
  };
  const postUser = await measure(
    'service, traced POST /user (64 KiB PNG)',
    'service, traced',
    traced.process.pid,
    postUserLoad(traced.url),
  );
  // The batch processor exports every second: let the last batch leave.
  await sleep(1500);
  await stop(traced.process);
  await sink.close();
  const summary = {
    sampler: 'parentbased_always_on',
    spansReceived: sink.spans(),
    tracedRequests: status.requests + postUser.requests,
    statusCpuUs: { untraced: untraced.status.cpuUsPerReq, traced: status.cpuUsPerReq },
    postUserCpuUs: { untraced: untraced.postUser.cpuUsPerReq, traced: postUser.cpuUsPerReq },
  };
  log(
    `tracing on: /status ${summary.statusCpuUs.traced} us/req CPU (untraced ${summary.statusCpuUs.untraced}), ` +
      `POST /user ${summary.postUserCpuUs.traced} us/req (untraced ${summary.postUserCpuUs.untraced}); ` +
      `${summary.spansReceived} spans received for ${summary.tracedRequests} requests`,
  );
  return { status, postUser, summary };
}

/** The report's line on tracing. */
export function tracingLine(t: TracingSummary): string {
  return (
    `- Tracing on (\`OTEL_EXPORTER_OTLP_ENDPOINT\` at a local OTLP sink, sampler ${t.sampler}: every request traced): ` +
    `server CPU per request \`/status\` ${t.statusCpuUs.traced} µs (untraced ${t.statusCpuUs.untraced}), ` +
    `\`POST /user\` ${t.postUserCpuUs.traced} µs (untraced ${t.postUserCpuUs.untraced}); ` +
    `${t.spansReceived} spans reached the sink for ${t.tracedRequests} traced requests (a \`POST /user\` makes 4: the server span and its AWS calls).`
  );
}
