// The EC2 host's user data as the instance received it, taken apart for `make deploy-aws-check`:
// the files its heredocs write and the sre-kit.service unit's ExecStart, so that the check can
// shellcheck each script and run the unit's command with a local image.

export interface UserData {
  /** Heredoc bodies by target path: /etc/sre-kit/env, /usr/local/bin/sre-kit-prepare, the unit. */
  files: Map<string, string>;
  unit: string;
  execStart: string[];
}

const HEREDOC = /^cat >(\S+) <<'([A-Z]+)'\n([\s\S]*?)\n\2$/gm;

export function parseUserData(script: string): UserData {
  const files = new Map<string, string>();
  for (const [, path = '', , body = ''] of script.matchAll(HEREDOC)) files.set(path, body);
  const unit = files.get('/etc/systemd/system/sre-kit.service');
  if (!unit) throw new Error('the user data writes no /etc/systemd/system/sre-kit.service');
  const line = unit.split('\n').find((l) => l.startsWith('ExecStart='));
  if (!line) throw new Error('sre-kit.service has no ExecStart');
  // systemd splits on whitespace; the unit uses no quoting.
  const execStart = line.slice('ExecStart='.length).trim().split(/\s+/);
  return { files, unit, execStart };
}

/**
 * The unit's ExecStart as a plain Docker host without systemd can run it: what systemd and the EC2
 * host provide differently is replaced, nothing else. docker from PATH, a unique container name
 * (the Docker engine may be shared), the env files where the check wrote them, json-file logs (no
 * journald).
 */
export function runnableExecStart(
  execStart: string[],
  replace: { name: string; envFiles: Record<string, string> },
): string[] {
  const args = [...execStart];
  if (!args[0]?.endsWith('/docker') || args[1] !== 'run')
    throw new Error(`ExecStart is not 'docker run': ${execStart.join(' ')}`);
  const set = (flag: string, map: (value: string) => string) => {
    args.forEach((arg, i) => {
      const value = args[i + 1];
      if (arg === flag && value !== undefined) args[i + 1] = map(value);
    });
  };
  set('--name', () => replace.name);
  set('--env-file', (path) => {
    const local = replace.envFiles[path];
    if (!local)
      throw new Error(`ExecStart reads an env file the user data does not write: ${path}`);
    return local;
  });
  set('--log-driver', () => 'json-file');
  return ['docker', ...args.slice(1)];
}
