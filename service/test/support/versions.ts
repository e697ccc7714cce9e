// Reads the repository's one file of pinned versions (versions.env) for the tests.
import { readFileSync } from 'node:fs';

export const REPO_ROOT = new URL('../../../', import.meta.url);

export function pinnedVersions(): Record<string, string> {
  const text = readFileSync(new URL('versions.env', REPO_ROOT), 'utf8');
  const pins: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(\S+)\s*$/.exec(line);
    if (match?.[1] && match[2]) pins[match[1]] = match[2];
  }
  return pins;
}

export function pin(name: string): string {
  const value = pinnedVersions()[name];
  if (!value) throw new Error(`versions.env has no ${name}`);
  return value;
}
