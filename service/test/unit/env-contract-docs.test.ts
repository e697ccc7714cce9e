import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { ENV_VARIABLES } from '../../src/config.ts';
import { REPO_ROOT } from '../support/versions.ts';

const read = (path: string) => readFileSync(new URL(path, REPO_ROOT), 'utf8');

describe('env contract documentation', () => {
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
});
