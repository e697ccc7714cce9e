// README.md must stay true: it documents every variable the service reads and every make target.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

  it('make help puts every target under a journey', () => {
    const help = spawnSync('make', ['--no-print-directory', 'help'], {
      cwd: fileURLToPath(REPO_ROOT),
      encoding: 'utf8',
    });
    expect(help.status, help.stderr).to.equal(0);
    const listed = [...help.stdout.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]);
    expect(listed).to.have.members(makeTargets());
    expect(help.stdout, 'targets outside every group of HELP_GROUPS').to.not.match(/^Other$/m);
  });
});
