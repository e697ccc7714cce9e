// Where a bench run was measured: date, commit, Node, CPUs and the load generator's settings.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../lib/stack.ts';
import { CONNECTIONS, DURATION } from './settings.ts';

export type Environment = ReturnType<typeof environment>;

export function environment() {
  const git = (args: string) => {
    try {
      return execSync(`git ${args}`, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    date: new Date().toISOString(),
    commit: git('rev-parse --short HEAD'),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    connections: CONNECTIONS,
    durationSeconds: DURATION,
    loadGenerator: `autocannon ${autocannonVersion()}`,
  };
}

function autocannonVersion(): string {
  const file = join(import.meta.dirname, '../../node_modules/autocannon/package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
