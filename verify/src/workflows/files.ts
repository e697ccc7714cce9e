// The files whose `uses:` are checked: the workflows (.github/workflows/*.yml, *.yaml) and the
// local actions at any depth (.github/actions/**/action.yml, action.yaml), as paths relative to
// the repository root, in a stable order (workflows first).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function workflowFiles(root: string): string[] {
  const dir = join(root, '.github/workflows');
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir).sort();
  return ['.yml', '.yaml'].flatMap((ext) =>
    names.filter((name) => name.endsWith(ext)).map((name) => `.github/workflows/${name}`),
  );
}

export function localActionFiles(root: string): string[] {
  const dir = join(root, '.github/actions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((path) => /(^|\/)action\.ya?ml$/.test(path))
    .map((path) => `.github/actions/${path}`)
    .sort();
}
