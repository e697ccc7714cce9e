// The app container with exactly the rendered pod's settings: its environment as an env file, its
// user and groups, dropped capabilities, no-new-privileges, read-only root, emptyDirs as tmpfs,
// memory and CPU limits; its HTTP port published on loopback.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PodSettings } from '../chart/rendered-pod.ts';
import { docker, published } from './docker.ts';
import { log } from './report.ts';

export interface AppContainer {
  /** The container's name. */
  name: string;
  network: string;
  image: string;
  /** A private directory for the env file. */
  work: string;
}

/** Starts the app; returns its published loopback URL. */
export function runApp(app: AppContainer, s: PodSettings, env: Record<string, string>): string {
  const envFile = join(app.work, 'env');
  writeFileSync(
    envFile,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  const args = [
    '--name',
    app.name,
    '--network',
    app.network,
    '--env-file',
    envFile,
    '--user',
    s.user,
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '--publish',
    `127.0.0.1::${s.port}`,
  ];
  if (s.readOnly) args.push('--read-only');
  if (s.fsGroup !== null) args.push('--group-add', String(s.fsGroup));
  for (const t of s.tmpfs) args.push('--tmpfs', t);
  if (s.memory) args.push('--memory', s.memory);
  if (s.cpus) args.push('--cpus', s.cpus);
  log(`docker run ${args.join(' ')} ${app.image}`);
  docker('run', '-d', ...args, app.image);
  return published(app.name, s.port);
}
