// What every step of make deploy-aws-check works with: the work directory, the environment aws.sh
// runs in (pointed at the stand-ins, with its own state and docker login), and the clients.
import { join } from 'node:path';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { EcrFacade } from './ecr-facade.ts';
import type { RunScript } from './run-script.ts';

export interface DeployCheck {
  /** Logs, state, docker login and user data of this run. */
  work: string;
  /** moto's endpoint. */
  endpoint: string;
  /** The environment of aws.sh. */
  env: NodeJS.ProcessEnv;
  facade: EcrFacade;
  ecr: ECRClient;
  ec2: EC2Client;
  run: RunScript;
}

/** aws.sh's environment: the test endpoints, the app on appPort, nothing of the user's own. */
export function deployEnv(options: {
  work: string;
  endpoint: string;
  registry: string;
  appPort: number;
  awscliBin: string;
}): NodeJS.ProcessEnv {
  const { work, endpoint, registry, appPort, awscliBin } = options;
  return {
    ...process.env,
    PATH: `${awscliBin}:${process.env.PATH ?? ''}`,
    AUTO_APPROVE: '1',
    DEPLOY_WAIT: '120',
    DEPLOY_AWS_TEST_ENDPOINT: endpoint,
    DEPLOY_AWS_TEST_REGISTRY: registry,
    DEPLOY_AWS_TEST_STATUS_URL: `http://127.0.0.1:${appPort}/status`,
    // Own state and docker login, never terraform/terraform.tfstate or ~/.docker.
    TF_DATA_DIR: join(work, 'tf-data'),
    TF_CLI_ARGS_init: `-backend-config=path=${join(work, 'terraform.tfstate')}`,
    DOCKER_CONFIG: join(work, 'docker-config'),
    TF_VAR_app_port: String(appPort),
    TF_VAR_name_prefix: 'sre-kit-deploy',
    TF_VAR_avatars_force_destroy: 'true',
    TF_VAR_allow_plain_http: 'true',
  };
}
