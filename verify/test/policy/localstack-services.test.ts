// LocalStack answers only the APIs its SERVICES variable enables ("Service 'x' is not enabled"),
// so the default `make up` breaks as soon as the local Terraform or the service calls one more
// AWS API. The list in docker-compose.yml must be exactly what they call, derived here from
// terraform/ and the service's AWS SDK clients.
import { readFileSync, readdirSync } from 'node:fs';
import { expect } from 'chai';
import { composeEnvironment } from '../../../service/test/support/emulator.ts';
import { REPO_ROOT } from '../../../service/test/support/versions.ts';

const read = (path: string) => readFileSync(new URL(path, REPO_ROOT), 'utf8');

/** Data sources the AWS provider computes without an API call. */
const LOCAL_DATA_SOURCES = new Set(['aws_iam_policy_document', 'aws_partition', 'aws_region']);
/** Resource and data types whose API is not named by their prefix. */
const SERVICE_OF_TYPE: Record<string, string> = { aws_caller_identity: 'sts' };
/** APIs LocalStack itself calls for another one: DynamoDB's server-side encryption asks KMS. */
const LOCALSTACK_INTERNAL = ['kms'];

/** The service names of the provider's `endpoints` block in terraform/providers.tf. */
function providerEndpoints(): string[] {
  const block = /dynamic "endpoints"\s*\{\s*for_each[^\n]*\n\s*content\s*\{([^}]*)\}/.exec(
    read('terraform/providers.tf'),
  );
  expect(block, 'terraform/providers.tf has a dynamic endpoints block').to.not.equal(null);
  return [...(block?.[1] ?? '').matchAll(/^\s*(\w+)\s*=/gm)].map((m) => m[1] ?? '');
}

/** The modules of terraform/main.tf that every target applies: those without count/for_each. */
function unconditionalModuleDirs(): string[] {
  const main = read('terraform/main.tf');
  const modules = [...main.matchAll(/^module "(\w+)" \{\n([\s\S]*?)^\}/gm)];
  expect(modules.length).to.be.greaterThan(2);
  return modules
    .filter(([, , body]) => !/^\s*(count|for_each)\s*=/m.test(body ?? ''))
    .map(([, , body]) => /source\s*=\s*"\.\/([^"]+)"/.exec(body ?? '')?.[1] ?? '');
}

function awsTypesIn(dir: string): string[] {
  const files = readdirSync(new URL(`terraform/${dir}`, REPO_ROOT)).filter((f) =>
    f.endsWith('.tf'),
  );
  return files.flatMap((file) =>
    [...read(`terraform/${dir}/${file}`).matchAll(/^(?:resource|data) "(aws_\w+)"/gm)].map(
      (m) => m[1] ?? '',
    ),
  );
}

describe('the AWS APIs LocalStack enables (docker-compose.yml SERVICES)', () => {
  it('are exactly the ones the local Terraform, the service and LocalStack itself call', () => {
    const endpoints = providerEndpoints();
    const serviceOf = (type: string): string => {
      const service =
        SERVICE_OF_TYPE[type] ?? endpoints.find((name) => type.startsWith(`aws_${name}_`));
      if (!service) {
        throw new Error(
          `${type}: no endpoint of terraform/providers.tf serves it; add its service there (and SERVICES follows)`,
        );
      }
      return service;
    };
    const types = ['.', ...unconditionalModuleDirs()].flatMap(awsTypesIn);
    const fromTerraform = types.filter((type) => !LOCAL_DATA_SOURCES.has(type)).map(serviceOf);
    const fromService = Object.keys(
      (JSON.parse(read('service/package.json')) as { dependencies: Record<string, string> })
        .dependencies,
    ).flatMap((name) => /^@aws-sdk\/client-(\w+)$/.exec(name)?.[1] ?? []);
    const needed = new Set([...fromTerraform, ...fromService, ...LOCALSTACK_INTERNAL]);

    const enabled = (composeEnvironment('localstack').SERVICES ?? '').split(',');
    expect([...enabled].sort()).to.deep.equal([...needed].sort());
  });

  it('derive from the modules every target applies (data and access), not the optional ones', () => {
    expect(unconditionalModuleDirs().sort()).to.deep.equal(['modules/access', 'modules/data']);
  });
});
