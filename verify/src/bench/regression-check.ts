// make bench-check: service /status throughput against bare Koa in the same run, one PASS or FAIL
// line, and reports/bench-check.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORTS } from '../lib/stack.ts';
import { environment } from './environment.ts';
import type { Row } from './measure.ts';
import { CHECK_MIN_RATIO, TARGETS } from './settings.ts';

/** Prints the figures and the verdict, writes the JSON report; true when the ratio passes. */
export function reportRegressionCheck(koaStatus: Row, serviceStatus: Row, ratio: number): boolean {
  const ok = ratio >= CHECK_MIN_RATIO;
  console.log(
    `\nbench-check: service /status ${serviceStatus.reqPerSec} req/s (rounds ${serviceStatus.rounds?.join(', ')}), ` +
      `bare Koa ${koaStatus.reqPerSec} req/s (rounds ${koaStatus.rounds?.join(', ')}): ratio ${ratio} ` +
      `[server CPU per request: service ${serviceStatus.cpuUsPerReq} us, bare Koa ${koaStatus.cpuUsPerReq} us] ` +
      `(regression limit ${CHECK_MIN_RATIO}, target ${TARGETS.statusRatio})`,
  );
  console.log(
    `${ok ? 'PASS' : 'FAIL'} /status throughput ratio to bare Koa ${ratio} ${ok ? '>=' : '<'} ${CHECK_MIN_RATIO}`,
  );
  writeFileSync(
    join(REPORTS, 'bench-check.json'),
    JSON.stringify(
      {
        environment: environment(),
        ratio,
        limit: CHECK_MIN_RATIO,
        koa: koaStatus,
        service: serviceStatus,
        pass: ok,
      },
      null,
      2,
    ),
  );
  return ok;
}
