// The AWS emulator the integration tests run against, and its tables and bucket.
//
// With AWS_ENDPOINT_URL set, that endpoint is used as it is and no container starts; the tables
// and bucket must then be named too (USERS_TABLE, STATE_TABLE, AVATARS_BUCKET), e.g. the ones
// `make up` or `make tf-moto-test` made. Otherwise testcontainers starts the pinned moto image,
// or LocalStack with TEST_EMULATOR=localstack configured as docker-compose.yml configures it, and
// the product's own Terraform provisions it exactly as `make up` does: scripts/provision-local.sh
// in the pinned Terraform image, so the suite runs against encrypted tables, a versioned bucket
// with its policy and public access block, and the app's IAM policy, not a simplified copy.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  GenericContainer,
  Network,
  Wait,
  type StartedNetwork,
  type StartedTestContainer,
} from 'testcontainers';
import { parse } from 'yaml';
import { pin, REPO_ROOT } from './versions.ts';

export interface Emulator {
  endpoint: string;
  region: string;
  /** True when this run started the emulator (and may stop or restart it). */
  owned: boolean;
  container?: StartedTestContainer;
  network?: StartedNetwork;
}

/** The names of a run's tables and bucket. */
export interface ResourceNames {
  usersTable: string;
  stateTable: string;
  bucket: string;
}

const REGION = 'us-east-1';
/** The emulator's name and port inside the run's Docker network, as in docker-compose.yml. */
const EMULATOR_ALIAS = 'emulator';
const EMULATOR_PORT = 4566;
/**
 * Terraform's provider cache, a named Docker volume: the AWS provider is downloaded once per
 * machine, not once per test run.
 */
const PLUGIN_CACHE_VOLUME = 'sre-kit-terraform-plugins';

interface ComposeService {
  environment?: Record<string, string>;
}

/** The environment docker-compose.yml gives a service (its map form). */
export function composeEnvironment(service: string): Record<string, string> {
  const text = readFileSync(new URL('docker-compose.yml', REPO_ROOT), 'utf8');
  const compose = parse(text) as { services: Record<string, ComposeService | undefined> };
  const found = compose.services[service];
  if (!found) throw new Error(`docker-compose.yml has no service ${service}`);
  return found.environment ?? {};
}

function emulatorContainer(kind: string): GenericContainer {
  if (kind === 'moto') {
    return new GenericContainer(pin('MOTO_IMAGE'))
      .withCommand(['-p', String(EMULATOR_PORT)])
      .withWaitStrategy(Wait.forHttp('/moto-api/', EMULATOR_PORT).forStatusCode(200))
      .withStartupTimeout(60_000);
  }
  if (kind === 'localstack') {
    return new GenericContainer(pin('LOCALSTACK_IMAGE'))
      .withEnvironment(composeEnvironment('localstack'))
      .withWaitStrategy(Wait.forHttp('/_localstack/health', EMULATOR_PORT).forStatusCode(200))
      .withStartupTimeout(180_000);
  }
  throw new Error(`TEST_EMULATOR must be moto or localstack, not ${kind}`);
}

async function startContainer(): Promise<Emulator> {
  const network = await new Network().start();
  try {
    const container = await emulatorContainer(process.env.TEST_EMULATOR ?? 'moto')
      .withExposedPorts(EMULATOR_PORT)
      .withNetwork(network)
      .withNetworkAliases(EMULATOR_ALIAS)
      .start();
    return {
      endpoint: `http://${container.getHost()}:${container.getMappedPort(EMULATOR_PORT)}`,
      region: REGION,
      owned: true,
      container,
      network,
    };
  } catch (error) {
    await network.stop().catch(() => undefined);
    throw error;
  }
}

let started: Promise<Emulator> | undefined;

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
        region: process.env.AWS_REGION ?? REGION,
        owned: false,
      };
    }
    return startContainer();
  })();
  return started;
}

/** Runs scripts/provision-local.sh in the pinned Terraform image against the run's emulator. */
async function applyTerraform(emu: Emulator, names: ResourceNames): Promise<void> {
  if (!emu.network) throw new Error('the emulator of this run has no Docker network');
  const output: string[] = [];
  const workspace = fileURLToPath(REPO_ROOT).replace(/\/+$/, '');
  let container: StartedTestContainer | undefined;
  try {
    container = await new GenericContainer(pin('TERRAFORM_IMAGE'))
      .withNetwork(emu.network)
      .withEntrypoint(['/bin/sh', '/workspace/scripts/provision-local.sh'])
      .withEnvironment({
        PROJECT_DIR: '/workspace',
        TF_STATE_DIR: '/tmp/state',
        TF_PLUGIN_CACHE_DIR: '/plugin-cache',
        TF_ENDPOINT: `http://${EMULATOR_ALIAS}:${EMULATOR_PORT}`,
        AWS_REGION: emu.region,
        USERS_TABLE: names.usersTable,
        STATE_TABLE: names.stateTable,
        AVATARS_BUCKET: names.bucket,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      })
      .withBindMounts([
        { source: workspace, target: '/workspace', mode: 'ro' },
        { source: PLUGIN_CACHE_VOLUME, target: '/plugin-cache', mode: 'rw' },
      ])
      .withLogConsumer((stream) =>
        stream.on('data', (line: Buffer | string) => output.push(String(line))),
      )
      .withWaitStrategy(Wait.forOneShotStartup())
      .withStartupTimeout(300_000)
      .start();
  } catch (error) {
    const tail = output.join('').split('\n').slice(-40).join('\n');
    throw new Error(
      `Terraform could not provision the test emulator (scripts/provision-local.sh): ${String(error)}\n${tail}`,
    );
  } finally {
    await container?.stop().catch(() => undefined);
  }
}

let provisioned: Promise<ResourceNames> | undefined;

/**
 * The tables and bucket of this run: the ones named by USERS_TABLE, STATE_TABLE and
 * AVATARS_BUCKET, or, on an emulator this run started, the ones Terraform makes once per run.
 */
export function provisionedResources(): Promise<ResourceNames> {
  provisioned ??= (async () => {
    const emu = await emulator();
    const given = {
      usersTable: process.env.USERS_TABLE,
      stateTable: process.env.STATE_TABLE,
      bucket: process.env.AVATARS_BUCKET,
    };
    if (given.usersTable && given.stateTable && given.bucket) {
      return { usersTable: given.usersTable, stateTable: given.stateTable, bucket: given.bucket };
    }
    if (!emu.owned) {
      throw new Error(
        'AWS_ENDPOINT_URL is set: name the tables and bucket there too (USERS_TABLE, STATE_TABLE, AVATARS_BUCKET), e.g. the ones `make up` made',
      );
    }
    const suffix = randomBytes(4).toString('hex');
    const names = {
      usersTable: `test-users-${suffix}`,
      stateTable: `test-state-${suffix}`,
      bucket: `test-avatars-${suffix}`,
    };
    const started = performance.now();
    await applyTerraform(emu, names);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stderr.write(
      `  (tables and bucket made by Terraform on ${emu.endpoint} in ${seconds} s)\n`,
    );
    return names;
  })();
  return provisioned;
}

export async function stopEmulator(): Promise<void> {
  if (!started) return;
  const running = await started.catch(() => undefined);
  started = undefined;
  provisioned = undefined;
  await running?.container?.stop();
  await running?.network?.stop();
}
