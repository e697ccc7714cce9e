// The outputs of `terraform output -json` that src/terraform-moto-check.ts and its checks read.

/** The settings of the `env` output that the checks and the service's tests read. */
const SERVICE_ENV = ['AWS_REGION', 'USERS_TABLE', 'STATE_TABLE', 'AVATARS_BUCKET'] as const;

/** The values of `terraform output -json`. */
export interface Outputs {
  env: Record<(typeof SERVICE_ENV)[number], string> & Record<string, string | undefined>;
  aws_region: string;
  app_policy_arn: string;
  [name: string]: unknown;
}

/** Reads `terraform output -json`; throws when an output the checks read is missing. */
export function parseOutputs(json: string): Outputs {
  const values = Object.fromEntries(
    Object.entries(JSON.parse(json) as Record<string, { value: unknown }>).map(([name, output]) => [
      name,
      output.value,
    ]),
  );
  const env = values.env;
  if (typeof env !== 'object' || env === null) throw new Error('terraform output has no env');
  for (const name of SERVICE_ENV)
    if (typeof (env as Record<string, unknown>)[name] !== 'string')
      throw new Error(`terraform output env has no ${name}`);
  for (const name of ['aws_region', 'app_policy_arn'])
    if (typeof values[name] !== 'string') throw new Error(`terraform output has no ${name}`);
  return values as Outputs;
}
