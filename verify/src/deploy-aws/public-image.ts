// The other route of make deploy-aws: a public image and an API key from SSM. terraform console
// renders the host's user data for it; the check reads the boot script and shellchecks both.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../lib/stack.ts';
import type { DeployCheck } from './context.ts';
import { expect, step } from './report.ts';
import { expectShellcheckClean } from './shellcheck.ts';
import { parseUserData } from './user-data.ts';

export function publicImageUserData(check: DeployCheck, tagValue: string): void {
  step('user data rendered for a public image with api_key_parameter (terraform console)');
  const rendered = spawnSync(
    'terraform',
    [`-chdir=${join(ROOT, 'terraform')}`, 'console', `-var=image_tag=${tagValue}`],
    {
      env: check.env,
      encoding: 'utf8',
      input:
        'templatefile("modules/host/user-data.sh.tftpl", {image = "ghcr.io/owner/sre-kit:sha-0123456789ab", ecr_registry = null, region = "us-east-1", port = 8080, env = {PORT = "8080"}, api_key_parameter = "/sre-kit/api-key"})\n',
    },
  );
  const publicUserData = rendered.stdout.replace(/^<<EOT\n/, '').replace(/\nEOT\s*$/, '\n');
  expect(
    rendered.status === 0 && publicUserData.startsWith('#!/bin/bash'),
    'terraform renders the template',
  );
  const publicParsed = parseUserData(publicUserData);
  const prepare = publicParsed.files.get('/usr/local/bin/sre-kit-prepare') ?? '';
  expect(!publicUserData.includes('ecr get-login-password'), 'a public image: no ECR login');
  expect(
    prepare.includes('docker pull ghcr.io/owner/sre-kit:sha-0123456789ab') &&
      prepare.includes("--name '/sre-kit/api-key'"),
    'the boot script pulls the public image and reads the API key from SSM',
  );
  for (const [name, script] of [
    ['user data (public image)', publicUserData],
    ['sre-kit-prepare (public image, API key)', prepare],
  ] as const)
    expectShellcheckClean(name, script);
}
