// The AWS emulator the integration tests run against. With AWS_ENDPOINT_URL set, that endpoint
// is used as it is and no container starts. Otherwise testcontainers starts the pinned moto
// image, or LocalStack with TEST_EMULATOR=localstack; it stops when the run ends.
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { pin } from './versions.ts';

export interface Emulator {
  endpoint: string;
  region: string;
  /** True when this run started the emulator (and may stop or restart it). */
  owned: boolean;
  container?: StartedTestContainer;
}

let started: Promise<Emulator> | undefined;

async function startContainer(): Promise<Emulator> {
  const kind = process.env.TEST_EMULATOR ?? 'moto';
  let container: StartedTestContainer;
  if (kind === 'moto') {
    container = await new GenericContainer(pin('MOTO_IMAGE'))
      .withExposedPorts(5000)
      .withWaitStrategy(Wait.forHttp('/moto-api/', 5000).forStatusCode(200))
      .withStartupTimeout(60_000)
      .start();
    return {
      endpoint: `http://${container.getHost()}:${container.getMappedPort(5000)}`,
      region: 'us-east-1',
      owned: true,
      container,
    };
  }
  if (kind === 'localstack') {
    container = await new GenericContainer(pin('LOCALSTACK_IMAGE'))
      .withExposedPorts(4566)
      .withEnvironment({ SERVICES: 'dynamodb,s3' })
      .withWaitStrategy(Wait.forHttp('/_localstack/health', 4566).forStatusCode(200))
      .withStartupTimeout(120_000)
      .start();
    return {
      endpoint: `http://${container.getHost()}:${container.getMappedPort(4566)}`,
      region: 'us-east-1',
      owned: true,
      container,
    };
  }
  throw new Error(`TEST_EMULATOR must be moto or localstack, not ${kind}`);
}

/** The emulator of this test run, started on first use. */
export function emulator(): Promise<Emulator> {
  started ??= (async () => {
    // The SDK reads credentials from the environment; emulators accept any.
    process.env.AWS_ACCESS_KEY_ID ??= 'test';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
    const endpoint = process.env.AWS_ENDPOINT_URL;
    if (endpoint) {
      return {
        endpoint: endpoint.replace(/\/+$/, ''),
        region: process.env.AWS_REGION ?? 'us-east-1',
        owned: false,
      };
    }
    return startContainer();
  })();
  return started;
}

export async function stopEmulator(): Promise<void> {
  if (!started) return;
  const running = await started.catch(() => undefined);
  started = undefined;
  await running?.container?.stop();
}
