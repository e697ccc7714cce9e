// make bench's report: reports/bench-<date>.json, bench-latest.json and bench-latest.md, the
// Markdown also on stdout.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORTS } from '../lib/stack.ts';
import type { OpenLoopResult } from '../lib/open-loop.ts';
import type { Environment } from './environment.ts';
import { largeListingLines, type LargeListings } from './large-listings.ts';
import type { Row } from './measure.ts';
import type { Target } from './targets.ts';
import { tracingLine, type TracingSummary } from './tracing-cost.ts';

export interface Report {
  environment: Environment;
  seeded: { created: number };
  rows: Row[];
  halfRate: OpenLoopResult & { separateCpus: boolean; gc: string };
  koaHalfRate: OpenLoopResult;
  heapAfterLoad: Record<string, number>;
  tracing: TracingSummary;
  bigUploads: {
    created: number;
    rssBeforeMiB: number;
    rssPeakMiB: number;
    rssDeltaMiB: number;
    seconds: number;
  };
  peakRssMiB: number;
  idleRssMiB: number;
  geoip: { label: string; idleRssMiB: number }[];
  largeListings: LargeListings;
  /** Users and objects left in the emulator by the run, and what disagrees between them. */
  consistency: Record<'users' | 'objects' | 'orphanObjects' | 'danglingUsers', number>;
  targets: Target[];
  totalSeconds: number;
}

/** Writes the three report files and prints the Markdown and where the reports are. */
export function writeReport(report: Report): void {
  const markdown = renderMarkdown(report);
  const stamp = report.environment.date.replace(/[:.]/g, '-');
  writeFileSync(join(REPORTS, `bench-${stamp}.json`), JSON.stringify(report, null, 2));
  writeFileSync(join(REPORTS, 'bench-latest.json'), JSON.stringify(report, null, 2));
  writeFileSync(join(REPORTS, 'bench-latest.md'), markdown);
  console.log(`\n${markdown}`);
  console.log(
    `reports: reports/bench-latest.md, reports/bench-latest.json (total ${report.totalSeconds} s)`,
  );
}

function renderMarkdown(report: Report): string {
  const e = report.environment;
  const lines = [
    `Measured ${e.date.slice(0, 16).replace('T', ' ')} UTC, commit ${e.commit}, Node ${e.node}, ${e.cpus} x ${e.cpu}; ` +
      `${e.loadGenerator}, ${e.connections} connections, ${e.durationSeconds} s per run (/status: median of ${report.rows[0]?.rounds?.length ?? 1} interleaved runs), ` +
      `${report.seeded.created} users seeded, moto on loopback, LOG_LEVEL=info.`,
    '',
    '| Server | Request | req/s | vs bare Koa | p50 ms | p99 ms | errors | peak RSS MiB | server CPU µs/req |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.rows.map(
      (r) =>
        `| ${r.target} | \`${r.method} ${r.path}\`${r.path === '/user' ? ' (64 KiB PNG)' : ''} | ${r.reqPerSec} | ${r.ratioToKoa?.toFixed(2)} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} | ${r.peakRssMiB} | ${r.cpuUsPerReq} |`,
    ),
    '',
    `- \`/status\` at half the peak rate, constant rate, latency from the due time, after a 2 s unmeasured warm-up, ${report.halfRate.separateCpus ? 'server and generator on separate CPUs' : 'server and generator sharing CPUs (taskset unavailable)'} (${report.halfRate.targetRate} req/s asked, ${report.halfRate.achievedRate} served): p50 ${report.halfRate.p50Ms} ms, p99 ${report.halfRate.p99Ms} ms, p99.9 ${report.halfRate.p999Ms} ms, max ${report.halfRate.maxMs} ms, ${report.halfRate.errors} errors; the service's garbage collections meanwhile: ${report.halfRate.gc}. Bare Koa at half its own peak (${report.koaHalfRate.targetRate} req/s): p99 ${report.koaHalfRate.p99Ms} ms, max ${report.koaHalfRate.maxMs} ms.`,
    tracingLine(report.tracing),
    `- 20 concurrent 5 MiB uploads: ${report.bigUploads.created}/20 created in ${report.bigUploads.seconds} s; RSS ${report.bigUploads.rssBeforeMiB} -> ${report.bigUploads.rssPeakMiB} MiB (+${report.bigUploads.rssDeltaMiB} MiB).`,
    `- Service RSS: ${report.idleRssMiB} MiB right after start, ${report.peakRssMiB} MiB peak during the run; ` +
      `after the load runs (from /metrics) V8 heap ${report.heapAfterLoad.heapUsedMiB} MiB used of ${report.heapAfterLoad.heapTotalMiB} MiB, external ${report.heapAfterLoad.externalMiB} MiB. ` +
      `After start by GeoIP database: ${report.geoip.map((g) => `${g.label} ${g.idleRssMiB} MiB`).join('; ')}.`,
    ...largeListingLines(report.largeListings),
    '',
    '| Target | Measured | Limit | Result |',
    '| --- | ---: | ---: | --- |',
    ...report.targets.map(
      (t) => `| ${t.name} | ${t.measured} | ${t.limit} | ${t.pass ? 'PASS' : 'FAIL'} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
