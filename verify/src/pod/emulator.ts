// The emulator of the pod check: moto in a container on the private network, under the host name
// that AWS_ENDPOINT_URL names, with the tables and bucket of the ConfigMap created through its
// published loopback port by the same provision() as every other harness.
import type { PodSettings } from '../chart/rendered-pod.ts';
import { waitForHttp } from '../lib/proc.ts';
import { provision } from '../lib/stack.ts';
import { docker, published } from './docker.ts';
import { log } from './report.ts';

export interface EmulatorContainer {
  /** The container's name. */
  name: string;
  network: string;
  motoImage: string;
}

/** Starts the emulator and provisions it; returns its published loopback URL. */
export async function startEmulator(emulator: EmulatorContainer, s: PodSettings): Promise<string> {
  docker(
    'run',
    '-d',
    '--name',
    emulator.name,
    '--network',
    emulator.network,
    '--network-alias',
    s.emulatorHost,
    '--publish',
    `127.0.0.1::${s.emulatorPort}`,
    emulator.motoImage,
    '-p',
    String(s.emulatorPort),
  );
  const endpoint = published(emulator.name, s.emulatorPort);
  await waitForHttp(`${endpoint}/moto-api/`, { statuses: [200], timeoutMs: 30_000 });
  const { dynamo, s3 } = await provision(
    endpoint,
    { usersTable: s.usersTable, stateTable: s.stateTable, bucket: s.bucket },
    s.region,
  );
  dynamo.destroy();
  s3.destroy();
  log(`provisioned tables ${s.usersTable}, ${s.stateTable} and bucket ${s.bucket}`);
  return endpoint;
}
