// Scenario 2, judged on what scenario 1 left: the writes the outages interrupted leave nothing
// half-done (every avatar object has its user, every user its object). Uploads whose outcome was
// in doubt are checked by the service itself once their calls settled: wait (bounded) until its
// avatar_cleanup_pending gauge is 0, then compare the table with the bucket.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { consistency, type Service } from '../lib/stack.ts';
import type { Outage } from './emulator-outage.ts';
import type { Report } from './report.ts';

const CLEANUP_WAIT_MS = 60_000;

export async function interruptedWrites(
  report: Report,
  service: Service,
  { resources, during }: Outage,
): Promise<void> {
  const logLines = readFileSync(service.logFile, 'utf8');
  const count = (text: string) => logLines.split('\n').filter((line) => line.includes(text)).length;
  const orphanLogs = count('orphan object');
  const writeFailed = count('user write failed');
  const uploadFailed = count('avatar upload failed');
  const cleanupDeadline = Date.now() + CLEANUP_WAIT_MS;
  let pendingCleanups = Number.NaN;
  while (Date.now() < cleanupDeadline) {
    const metrics = await fetch(`${service.url}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    pendingCleanups = Number(/^avatar_cleanup_pending (\d+)/m.exec(metrics)?.[1] ?? Number.NaN);
    if (pendingCleanups === 0) break;
    await sleep(500);
  }
  const check = await consistency(resources);
  report.verdict(
    'writes interrupted by the outages leave nothing half-done (every object has its user, every user its object)',
    check.orphanObjects.length === 0 && check.danglingUsers.length === 0,
    {
      'in-doubt uploads still unchecked by the service': pendingCleanups,
      'users in the table': check.users,
      'avatar objects in the bucket': check.objects,
      'orphan objects (no user)': check.orphanObjects.length,
      'users whose object is missing': check.danglingUsers.length,
      'POST /user answered 503 during the outages': during.filter(
        (c) => c.op === 'POST /user' && c.status === 503,
      ).length,
      'service log: avatar upload failed / user write failed / orphan object': `${uploadFailed} / ${writeFailed} / ${orphanLogs}`,
      scope: 'data written since the emulator restart of A (moto keeps state in memory only)',
    },
    [
      ...check.orphanObjects.slice(0, 5).map((k) => `orphan ${k}`),
      ...check.danglingUsers.slice(0, 5).map((u) => `dangling ${u}`),
    ],
  );
}
