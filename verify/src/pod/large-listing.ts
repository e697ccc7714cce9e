// GET /users of a large table inside the pod's memory limit: the users are written straight to
// the emulator's table (src/large-listing-check.ts), then listed once through the app, which must
// answer every user as one JSON array without being OOM-killed.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { PodSettings } from '../chart/rendered-pod.ts';
import { docker, published, state, stateText } from './docker.ts';
import type { ProbedApp } from './probes.ts';
import { fail, log } from './report.ts';

const VERIFY = resolve(import.meta.dirname, '../..');

/** The container's peak memory: memory.peak on cgroup v2, memory.max_usage_in_bytes on v1. */
function memoryPeak(container: string): string {
  try {
    return docker(
      'exec',
      container,
      'sh',
      '-c',
      'cat /sys/fs/cgroup/memory.peak 2>/dev/null || cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes',
    );
  } catch {
    return 'unknown';
  }
}

/** Lists `users` users (a decimal count) through the app; `emulator` is the container's name. */
export function checkLargeListing(
  app: ProbedApp,
  emulator: string,
  s: PodSettings,
  users: string,
): void {
  const peakBefore = memoryPeak(app.container);
  const emulatorUrl = published(emulator, s.emulatorPort);
  const listing = spawnSync(
    process.execPath,
    [
      'src/large-listing-check.ts',
      '--dynamo',
      emulatorUrl,
      '--region',
      s.region,
      '--table',
      s.usersTable,
      '--object-url-base',
      `${emulatorUrl}/${s.bucket}`,
      '--service',
      app.base,
      '--users',
      users,
    ],
    { cwd: VERIFY, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const listed = listing.stdout.trim();
  if (listing.status !== 0)
    fail(`GET /users of ${users} users: ${listed} ${stateText(app.container)}`);
  if (state(app.container) !== 'true false')
    fail(`the container did not survive listing ${users} users: ${stateText(app.container)}`);
  const peak = memoryPeak(app.container);
  log(
    `ok   GET /users of ${users} users under the ${s.memory} limit: ${listed}; container memory.peak ${peak} bytes (${peakBefore} before the listing), not OOM-killed`,
  );
}
