// The docker CLI as the pod check drives it: commands, the loopback port Docker published for a
// container port, a container's state, and the tail of its logs.
import { execFileSync, spawnSync } from 'node:child_process';
import { fail } from './report.ts';

/** Runs `docker <args>` and returns its trimmed stdout; throws when docker fails. */
export function docker(...args: string[]): string {
  return execFileSync('docker', args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** http://127.0.0.1:<port> where Docker publishes the container's port on loopback. */
export function published(container: string, port: number): string {
  const hostPort = /:(\d+)$/m.exec(docker('port', container, `${port}/tcp`))?.[1];
  return hostPort
    ? `http://127.0.0.1:${hostPort}`
    : fail(`docker port found no loopback port for ${container}`);
}

/** "<running> <OOM-killed>", e.g. "true false" for a container that runs and was not killed. */
export const state = (container: string) =>
  docker('inspect', '-f', '{{.State.Running}} {{.State.OOMKilled}}', container);

/** The same state, labelled for a message: "running=true oom=false". */
export const stateText = (container: string) =>
  docker('inspect', '-f', 'running={{.State.Running}} oom={{.State.OOMKilled}}', container);

/** Prints the last lines of the container's logs on stderr. */
export function printLogs(container: string): void {
  const logs = spawnSync('docker', ['logs', container], { encoding: 'utf8' });
  console.error(`${logs.stdout}${logs.stderr}`.split('\n').slice(-21).join('\n'));
}

/** Removes the containers and the network; any of them may not exist. */
export function removeAll(containers: string[], network: string): void {
  for (const args of [
    ['rm', '-f', ...containers],
    ['network', 'rm', network],
  ]) {
    try {
      docker(...args);
    } catch {
      // Not created, or already gone.
    }
  }
}
