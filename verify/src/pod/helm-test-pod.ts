// The helm test pod's own command, in its image, with the same restrictions as the app, through
// the private network (STATUS_URL pointed at the app container instead of the Service).
import { spawnSync } from 'node:child_process';
import type { PodSettings, TestPod } from '../chart/rendered-pod.ts';
import { fail, log } from './report.ts';

export interface HelmTestRun {
  network: string;
  /** The app container's name, which the network resolves. */
  app: string;
  image: string;
}

export function checkHelmTestPod(run: HelmTestRun, s: PodSettings, testPod: TestPod): void {
  const [entrypoint, ...command] = testPod.command;
  if (entrypoint === undefined) fail('the helm test pod has no command');
  const result = spawnSync(
    'docker',
    [
      'run',
      '--rm',
      '--network',
      run.network,
      '--user',
      s.user,
      '--read-only',
      '--tmpfs',
      '/tmp:rw,mode=1777,size=16m',
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      '-e',
      `STATUS_URL=http://${run.app}:${s.port}/status`,
      '--entrypoint',
      entrypoint,
      run.image,
      ...command,
    ],
    { stdio: ['ignore', 2, 2] },
  );
  if (result.status !== 0) fail("the helm test pod's command failed against the app");
  log("ok   the helm test pod's command passes against the app");
}
