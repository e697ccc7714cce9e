// README.md must stay true: it documents every variable the service reads and every make target.
import { readFileSync, readdirSync } from 'node:fs';
import { expect } from 'chai';
import { ENV_VARIABLES } from '../../../service/src/config.ts';
import { REPO_ROOT } from '../../../service/test/support/versions.ts';

const read = (path: string) => readFileSync(new URL(path, REPO_ROOT), 'utf8');

/** Public make targets: the ones with a `## description` for `make help`. */
function makeTargets(): string[] {
  const files = ['Makefile', ...readdirSync(new URL('mk/', REPO_ROOT)).map((name) => `mk/${name}`)];
  return files.flatMap((file) =>
    [...read(file).matchAll(/^([a-zA-Z0-9_-]+):[^\n]*## /gm)].map((match) => match[1] ?? ''),
  );
}

describe('documentation', () => {
  for (const [file, pattern] of [
    ['.env-example', (name: string) => new RegExp(`^${name}=`, 'm')],
    ['README.md', (name: string) => new RegExp(`\`${name}\``)],
  ] as const) {
    it(`${file} documents every variable the service reads`, () => {
      const text = read(file);
      const missing = ENV_VARIABLES.filter((name) => !pattern(name).test(text));
      expect(missing, `missing from ${file}`).to.deep.equal([]);
    });
  }

  it('README.md documents every make target', () => {
    const readme = read('README.md');
    const targets = makeTargets();
    expect(targets).to.include.members(['help', 'up', 'test']);
    const missing = targets.filter((target) => !new RegExp(`\`make ${target}[\` ]`).test(readme));
    expect(missing, 'make targets missing from README.md').to.deep.equal([]);
  });
});
