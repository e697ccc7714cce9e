// make bench / make bench-check: the service from its build against moto on loopback, side by
// side with a bare Koa app and a bare node:http server, measured with autocannon in one run; then
// (make bench) full GET /users listings of a large table on LocalStack.
//   node src/bench.ts          full run: every endpoint, half-rate p99, upload memory; JSON + Markdown
//   node src/bench.ts --check  short regression check: /status throughput vs bare Koa, fails < 0.7
// The phases are modules of src/bench/; this file runs them in order.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { memory, mib, stop } from './lib/proc.ts';
import {
  REPORTS,
  consistency,
  provision,
  startEmulator,
  startService,
  stopEmulator,
} from './lib/stack.ts';
import { startBaseline } from './bench/baselines.ts';
import { measureEndpoints, postUserLoads, seedUsers } from './bench/endpoints.ts';
import { environment } from './bench/environment.ts';
import { measureHalfRate } from './bench/half-rate.ts';
import { measureLargeListings } from './bench/large-listings.ts';
import { combine, measure, warmUp, type Row } from './bench/measure.ts';
import { measureBigUploads, measureGeoipRss } from './bench/memory.ts';
import { reportRegressionCheck } from './bench/regression-check.ts';
import { writeReport } from './bench/report.ts';
import { heapMetrics } from './bench/service-metrics.ts';
import { CHECK, SEED_USERS, STATUS_ROUNDS, log, round1, round2 } from './bench/settings.ts';
import { evaluateTargets } from './bench/targets.ts';
import { measureTraced } from './bench/tracing-cost.ts';

async function main(): Promise<void> {
  const t0 = performance.now();
  const emulator = await startEmulator(join(REPORTS, 'bench-moto.log'));
  const resources = await provision(emulator.endpoint);
  const service = await startService({
    emulator,
    resources,
    logFile: join(REPORTS, 'bench-service.log'),
  });
  const koa = await startBaseline('bare-koa.ts', 'bare-koa');
  const http = await startBaseline('bare-http.ts', 'bare-http');
  await sleep(500);
  const idleRss = memory(service.process.pid);
  log(
    `service up on ${service.url}: RSS ${mib(idleRss.rssKiB)} MiB after start (VmHWM ${mib(idleRss.hwmKiB)} MiB)`,
  );

  // Warm-up (JIT, connection pools): not recorded.
  for (const url of [http.url, koa.url, service.url]) await warmUp(url);

  // /status of the three servers, interleaved in rounds so drift on a shared machine hits all.
  const statusRounds: Record<'http' | 'koa' | 'service', Row[]> = {
    http: [],
    koa: [],
    service: [],
  };
  for (let round = 1; round <= STATUS_ROUNDS; round++) {
    if (!CHECK)
      statusRounds.http.push(
        await measure(`bare node:http /status #${round}`, 'bare node:http', http.process.pid, {
          url: http.url,
          path: '/status',
        }),
      );
    statusRounds.koa.push(
      await measure(`bare Koa /status #${round}`, 'bare Koa', koa.process.pid, {
        url: koa.url,
        path: '/status',
      }),
    );
    statusRounds.service.push(
      await measure(`service /status #${round}`, 'service', service.process.pid, {
        url: service.url,
        path: '/status',
      }),
    );
  }
  const koaStatus = combine(statusRounds.koa);
  const serviceStatus = combine(statusRounds.service);
  const ratio = round2(serviceStatus.reqPerSec / koaStatus.reqPerSec);

  if (CHECK) {
    const ok = reportRegressionCheck(koaStatus, serviceStatus, ratio);
    await Promise.all([
      stop(service.process),
      stop(koa.process),
      stop(http.process),
      stopEmulator(emulator),
    ]);
    process.exitCode = ok ? 0 : 1;
    return;
  }

  const seeded = await seedUsers(service.url, SEED_USERS);
  log(`seeded ${seeded.created} users (${seeded.failed} failed) in ${seeded.seconds} s`);

  const target = { url: service.url, pid: service.process.pid };
  const postUserLoad = postUserLoads();
  const endpoints = await measureEndpoints(target, postUserLoad);
  const rows: Row[] = [combine(statusRounds.http), koaStatus, serviceStatus, ...endpoints.rows];
  const tracing = await measureTraced(
    { emulator, resources },
    { status: serviceStatus, postUser: endpoints.postUser },
    postUserLoad,
  );
  rows.push(tracing.status, tracing.postUser);
  for (const row of rows) row.ratioToKoa = round2(row.reqPerSec / koaStatus.reqPerSec);

  const half = await measureHalfRate(
    { ...target, reqPerSec: serviceStatus.reqPerSec },
    { url: koa.url, pid: koa.process.pid, reqPerSec: koaStatus.reqPerSec },
  );
  const heap = await heapMetrics(service.url);
  const bigUploads = await measureBigUploads(target);

  // Peaks are per phase (VmHWM reset before each); the run's peak is the largest of them.
  const peakRunMiB = Math.max(
    mib(idleRss.hwmKiB),
    ...rows.filter((r) => r.target === 'service').map((r) => r.peakRssMiB),
    half.peakRssMiB,
    bigUploads.rssPeakMiB,
  );
  const check = await consistency(resources);
  await stop(service.process);
  await Promise.all([stop(koa.process), stop(http.process)]);

  const geoip = await measureGeoipRss({ emulator, resources });
  await stopEmulator(emulator);
  const large = await measureLargeListings();
  const targets = evaluateTargets({ ratio, half: half.service, bigUploads, large, rows });

  writeReport({
    environment: environment(),
    seeded,
    rows,
    halfRate: { ...half.service, separateCpus: half.pinned, gc: half.gc },
    koaHalfRate: half.koa,
    heapAfterLoad: heap,
    tracing: tracing.summary,
    bigUploads,
    peakRssMiB: peakRunMiB,
    idleRssMiB: mib(idleRss.rssKiB),
    geoip,
    largeListings: large,
    consistency: {
      users: check.users,
      objects: check.objects,
      orphanObjects: check.orphanObjects.length,
      danglingUsers: check.danglingUsers.length,
    },
    targets,
    totalSeconds: round1((performance.now() - t0) / 1000),
  });
  process.exitCode = targets.every((t) => t.pass) ? 0 : 1;
}

await main();
