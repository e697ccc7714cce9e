// The service's environment contract: every variable, its default and its rule, validated once
// at start. These names are what docker-compose.yml, the Helm chart, Terraform and the tests use.
import { z } from 'zod';
import { AVATAR_MAX_BYTES_RANGE, UPLOAD_TMP_MAX_BYTES_RANGE } from './limits.ts';
import { tracingEnvSchema } from './telemetry/tracing-env.ts';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { error: `must be at least ${min}` })
        .max(max, { error: `must be at most ${max}` }),
    );

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((value) => value.replace(/\/+$/, ''));

const awsName = (pattern: RegExp, rule: string) =>
  z.string({ error: 'is required' }).regex(pattern, { error: rule });

/** Each variable of the contract. Empty strings count as unset. */
export const envSchema = z.object({
  PORT: integer(0, 65535).default(8080),
  AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as eu-west-1' })
    .default('us-east-1'),
  AWS_ENDPOINT_URL: httpUrl.optional(),
  S3_PUBLIC_ENDPOINT: httpUrl.optional(),
  USERS_TABLE: awsName(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name'),
  STATE_TABLE: awsName(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name'),
  AVATARS_BUCKET: awsName(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
  API_KEY: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  GEOIP_DB_PATH: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((path) => path.trim())
        .filter(Boolean),
    )
    .optional(),
  TRUST_PROXY: booleanString.default(false),
  AVATAR_MAX_BYTES: integer(AVATAR_MAX_BYTES_RANGE.min, AVATAR_MAX_BYTES_RANGE.max).default(
    AVATAR_MAX_BYTES_RANGE.default,
  ),
  UPLOAD_TMP_MAX_BYTES: integer(
    UPLOAD_TMP_MAX_BYTES_RANGE.min,
    UPLOAD_TMP_MAX_BYTES_RANGE.max,
  ).default(UPLOAD_TMP_MAX_BYTES_RANGE.default),
  AVATAR_URL_MODE: z
    .enum(['presigned', 'public'], { error: 'must be presigned or public' })
    .default('presigned'),
  AVATAR_URL_TTL: integer(1, 604800).default(900),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600000).default(10000),
  AWS_CONNECT_TIMEOUT_MS: integer(50, 60000).default(1000),
  AWS_REQUEST_TIMEOUT_MS: integer(100, 120000).default(5000),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  // OpenTelemetry tracing: the SDK's standard variables (telemetry/tracing-env.ts).
  ...tracingEnvSchema.shape,
});

export type Config = z.infer<typeof envSchema>;

/** Rules between variables: each problem names the variable to change. */
const contractSchema = envSchema.check((ctx) => {
  const { AVATAR_MAX_BYTES: avatarMax, UPLOAD_TMP_MAX_BYTES: tmpMax } = ctx.value;
  if (tmpMax < avatarMax) {
    ctx.issues.push({
      code: 'custom',
      input: tmpMax,
      path: ['UPLOAD_TMP_MAX_BYTES'],
      message: `must be at least AVATAR_MAX_BYTES (${avatarMax}), or no avatar of the largest size could be uploaded`,
    });
  }
});

/** The names of the contract, for documentation checks. */
export const ENV_VARIABLES = Object.keys(envSchema.shape) as (keyof Config)[];

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Reads the contract from an environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const input: Record<string, string> = {};
  for (const name of ENV_VARIABLES) {
    const value = env[name]?.trim();
    if (value) input[name] = value;
  }
  const parsed = contractSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const message =
        issue.code === 'invalid_type' && !(name in input) ? 'is required' : issue.message;
      return `${name} ${message}`;
    });
    throw new ConfigError(problems);
  }
  return parsed.data;
}
