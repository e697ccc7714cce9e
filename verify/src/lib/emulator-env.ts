// The environment of a check that drives an AWS emulator: nothing may reach real AWS or pick up a
// developer's profile, since terraform, the AWS CLI, the SDK and the service's tests all inherit it.

const REAL_AWS_VARIABLES = [
  'AWS_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_ENDPOINT_URL',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
];

/** Unsets the variables that lead to a real account, sets test keys, then `extra`. */
export function useEmulatorCredentials(extra: Record<string, string> = {}): void {
  for (const name of REAL_AWS_VARIABLES)
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- unsets the variable for every child process
    delete process.env[name];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    ...extra,
  });
}
