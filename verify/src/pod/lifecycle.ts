// The pod's lifecycle under Docker: an emulator outage makes readiness fail (503) while liveness
// still passes (an AWS outage must not restart pods), readiness recovers when the emulator is
// back, and SIGTERM stops the container by itself within terminationGracePeriodSeconds.
import type { PodSettings } from '../chart/rendered-pod.ts';
import { docker } from './docker.ts';
import { probeOnce, probeUntil, type ProbedApp } from './probes.ts';
import { fail, log } from './report.ts';

/** Stops the emulator container, then `restart()` starts and provisions a fresh one. */
export async function checkEmulatorOutage(
  app: ProbedApp,
  emulator: string,
  s: PodSettings,
  restart: () => Promise<unknown>,
): Promise<void> {
  log('stopping the emulator');
  docker('stop', '-t', '2', emulator);
  const readinessBudget = s.readiness.period * s.readiness.failure + 30;
  const down = await probeUntil(app, 'readiness', s.readiness, 'fail', readinessBudget);
  if (!down.body.includes('{')) fail(`readiness failed without a JSON body: ${down.body}`);
  const ready = await probeOnce(app.base, s.readiness.path, 10);
  if (ready.code !== '503')
    fail(`GET ${s.readiness.path} with the emulator down -> ${ready.code}, want 503`);
  log(`ok   GET ${s.readiness.path} -> 503 with the emulator down`);
  await probeUntil(app, 'liveness', s.liveness, 'pass', s.liveness.timeout);

  log('starting the emulator again (fresh state, provisioned again)');
  docker('rm', '-f', emulator);
  await restart();
  await probeUntil(app, 'readiness', s.readiness, 'pass', 60);
}

/** SIGTERM, as at pod deletion: the container must exit 0 within the grace period. */
export function checkGracefulStop(app: ProbedApp, s: PodSettings): void {
  log(`SIGTERM, as at pod deletion (terminationGracePeriodSeconds ${s.grace})`);
  const start = performance.now();
  docker('stop', '-t', String(s.grace), app.container);
  const exitCode = docker('inspect', '-f', '{{.State.ExitCode}}', app.container);
  const elapsed = ((performance.now() - start) / 1000).toFixed(1);
  if (exitCode !== '0')
    fail(
      `the container exited with ${exitCode} after SIGTERM (137: killed at the end of the grace period)`,
    );
  log(`ok   exited 0 ${elapsed}s after SIGTERM (grace period ${s.grace}s)`);
}
