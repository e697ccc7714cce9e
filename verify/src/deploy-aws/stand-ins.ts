// The stand-ins make deploy-aws-check runs aws.sh against, on free loopback ports: moto for every
// AWS API, and the distribution project's registry for docker push.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, start, waitForHttp, type Started } from '../lib/proc.ts';
import { step } from './report.ts';

export interface StandIns {
  /** moto's endpoint. */
  endpoint: string;
  registryPort: number;
}

/**
 * Starts moto and the registry with their logs and config in work; each process is added to
 * started as soon as it runs, for the caller to stop.
 */
export async function startStandIns(
  options: { work: string; motoBin: string; registryBin: string },
  started: Started[],
): Promise<StandIns> {
  const { work, motoBin, registryBin } = options;
  const [motoPort, registryPort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${motoPort}`;
  step(`starting moto on ${endpoint}, the registry on 127.0.0.1:${registryPort}`);
  started.push(
    start(join(motoBin, 'moto_server'), ['-H', '127.0.0.1', '-p', String(motoPort)], {
      logFile: join(work, 'moto.log'),
      env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
    }),
  );
  const registryConfig = join(work, 'registry.yml');
  writeFileSync(
    registryConfig,
    [
      'version: 0.1',
      'log: {level: info}',
      `storage: {filesystem: {rootdirectory: ${join(work, 'registry')}}, delete: {enabled: true}}`,
      `http: {addr: 127.0.0.1:${registryPort}}`,
      '',
    ].join('\n'),
  );
  // The registry reads REGISTRY_* variables as configuration, and exports traces unless told not to.
  const registryEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('REGISTRY_')),
  );
  started.push(
    start(registryBin, ['serve', registryConfig], {
      logFile: join(work, 'registry.log'),
      env: { ...registryEnv, OTEL_TRACES_EXPORTER: 'none' },
    }),
  );
  await waitForHttp(`${endpoint}/moto-api/`, { statuses: [200], timeoutMs: 60_000 });
  await waitForHttp(`http://127.0.0.1:${registryPort}/v2/`, { statuses: [200], timeoutMs: 30_000 });
  return { endpoint, registryPort };
}
