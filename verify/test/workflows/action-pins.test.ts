// The action-pin rules of `make workflows-check` (verify/src/workflows): samples of a pinned
// action, a tag instead of a SHA, two SHAs or two releases for one action, a missing or malformed
// release comment, docker:// images, local actions and `uses:` text inside a run script; and the
// repository's own workflows and actions pass.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { checkPins, pinLines, usesOf, type Uses } from '../../src/workflows/action-pins.ts';
import { localActionFiles, workflowFiles } from '../../src/workflows/files.ts';
import { REPO_ROOT } from '../../../service/test/support/versions.ts';

const CHECKOUT = '08c6903cd8c0fde910a37f88322edcfb5dd907a8';
const CACHE = '5a3ec84eff668545956fd18022155c47e93e2684';
const OTHER = '0123456789abcdef0123456789abcdef01234567';

/** A workflow with one job whose steps are the given lines (each a `- uses: ...` or similar). */
const workflow = (...steps: string[]) =>
  ['on: push', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:']
    .concat(steps.map((step) => `      ${step}`))
    .join('\n') + '\n';

const check = (...files: [string, string][]) =>
  checkPins(files.flatMap(([name, text]) => usesOf(name, text).uses));

describe('action pins', () => {
  describe('usesOf', () => {
    it('reads each uses: with its line and the comment that ends it', () => {
      const { uses, errors } = usesOf(
        'ci.yml',
        workflow(
          `- uses: actions/checkout@${CHECKOUT} # v5.0.0`,
          '  with:',
          '    persist-credentials: false',
          `- uses: "actions/cache@${CACHE}"   #   v4.2.3  `,
          `- uses: ./.github/actions/setup`,
        ),
      );
      expect(errors).to.deep.equal([]);
      expect(uses).to.deep.equal([
        { where: 'ci.yml:6', ref: `actions/checkout@${CHECKOUT}`, comment: 'v5.0.0' },
        { where: 'ci.yml:9', ref: `actions/cache@${CACHE}`, comment: 'v4.2.3' },
        { where: 'ci.yml:10', ref: './.github/actions/setup', comment: '' },
      ]);
    });

    it('reads job-level uses: (reusable workflows) and flow mappings', () => {
      const text = [
        'on: push',
        'jobs:',
        '  call:',
        `    uses: octo/reusable/.github/workflows/build.yml@${OTHER} # v1.2.3`,
        '  build:',
        '    runs-on: ubuntu-latest',
        `    steps: [{ uses: actions/checkout@${CHECKOUT} }] # v5.0.0`,
      ].join('\n');
      const { uses } = usesOf('w.yml', text);
      expect(uses.map((u) => [u.where, u.comment])).to.deep.equal([
        ['w.yml:4', 'v1.2.3'],
        ['w.yml:7', 'v5.0.0'],
      ]);
    });

    it('does not read uses: inside a run script, nor a comment on the next line', () => {
      const { uses } = usesOf(
        'ci.yml',
        workflow(
          '- run: |',
          '    echo "uses: actions/checkout@v5"',
          `- uses: actions/checkout@${CHECKOUT}`,
          '  # v5.0.0',
        ),
      );
      expect(uses).to.deep.equal([
        { where: 'ci.yml:8', ref: `actions/checkout@${CHECKOUT}`, comment: '' },
      ]);
    });

    it('reports a file that is not YAML', () => {
      const { uses, errors } = usesOf('bad.yml', 'jobs: [\n');
      expect(uses).to.deep.equal([]);
      expect(errors).to.have.length.greaterThan(0);
      expect(errors[0]).to.match(/^bad\.yml: not valid YAML: /);
    });
  });

  describe('checkPins', () => {
    it('passes actions pinned by SHA with their release, and counts their uses', () => {
      const { problems, pins } = check(
        ['ci.yml', workflow(`- uses: actions/checkout@${CHECKOUT} # v5.0.0`)],
        [
          'release.yml',
          workflow(
            `- uses: actions/checkout@${CHECKOUT} # v5.0.0`,
            `- uses: actions/cache@${CACHE} # v4.2.3`,
            `- uses: github/codeql-action/upload-sarif@${OTHER} # v4.31.9`,
          ),
        ],
      );
      expect(problems).to.deep.equal([]);
      expect(pins).to.deep.equal([
        { repo: 'actions/cache', sha: CACHE, version: 'v4.2.3', uses: 1 },
        { repo: 'actions/checkout', sha: CHECKOUT, version: 'v5.0.0', uses: 2 },
        { repo: 'github/codeql-action', sha: OTHER, version: 'v4.31.9', uses: 1 },
      ]);
      expect(pinLines(pins)[1]).to.equal(
        `  actions/checkout                     v5.0.0    ${CHECKOUT}  (2 uses)`,
      );
    });

    it('fails a tag, a branch or a short SHA instead of a full SHA', () => {
      for (const ref of [
        'actions/checkout@v5',
        'actions/checkout@main',
        'actions/checkout@08c6903',
      ]) {
        const { problems } = check(['ci.yml', workflow(`- uses: ${ref} # v5.0.0`)]);
        expect(problems).to.deep.equal([
          `ci.yml:6: '${ref}' is not pinned to a full 40-character commit SHA`,
        ]);
      }
    });

    it('fails two SHAs for one action, across files, naming the first', () => {
      const { problems } = check(
        ['ci.yml', workflow(`- uses: actions/checkout@${CHECKOUT} # v5.0.0`)],
        ['release.yml', workflow(`- uses: actions/checkout@${OTHER} # v5.0.0`)],
      );
      expect(problems).to.deep.equal([
        `release.yml:6: actions/checkout@${OTHER}, but ${CHECKOUT} elsewhere: use one SHA per action`,
      ]);
    });

    it('fails one SHA commented with two releases', () => {
      const { problems } = check([
        'ci.yml',
        workflow(
          `- uses: actions/checkout@${CHECKOUT} # v5.0.0`,
          `- uses: actions/checkout@${CHECKOUT} # v5.0.1`,
        ),
      ]);
      expect(problems).to.deep.equal([
        `ci.yml:7: actions/checkout@${CHECKOUT} is commented 'v5.0.1', but 'v5.0.0' elsewhere`,
      ]);
    });

    it('fails a missing or malformed release comment', () => {
      for (const [line, found] of [
        [`- uses: actions/checkout@${CHECKOUT}`, ''],
        [`- uses: actions/checkout@${CHECKOUT} # v5`, 'v5'],
        [`- uses: actions/checkout@${CHECKOUT} # release v5.0.0`, 'release v5.0.0'],
      ] as const) {
        const { problems, pins } = check(['ci.yml', workflow(line)]);
        expect(problems).to.deep.equal([
          `ci.yml:6: actions/checkout@${CHECKOUT} needs its release as a comment ('# vX.Y.Z'), found '${found}'`,
        ]);
        expect(pins).to.deep.equal([]);
      }
    });

    it('wants docker:// images pinned by digest and skips local actions', () => {
      const digest = `sha256:${'a'.repeat(64)}`;
      const uses: Uses[] = [
        { where: 'a.yml:1', ref: `docker://alpine@${digest}`, comment: '' },
        { where: 'a.yml:2', ref: 'docker://alpine:3', comment: '' },
        { where: 'a.yml:3', ref: './.github/actions/setup', comment: '' },
      ];
      expect(checkPins(uses)).to.deep.equal({
        problems: [
          'a.yml:2: docker://alpine:3 is not pinned by digest (docker://image@sha256:...)',
        ],
        pins: [],
      });
    });
  });

  it("the repository's workflows and local actions pin every action once", () => {
    const root = fileURLToPath(REPO_ROOT);
    const workflows = workflowFiles(root);
    expect(workflows).to.include('.github/workflows/ci.yml');
    const read = [...workflows, ...localActionFiles(root)].map((file) =>
      usesOf(file, readFileSync(join(root, file), 'utf8')),
    );
    expect(read.flatMap((file) => file.errors)).to.deep.equal([]);
    const { problems, pins } = checkPins(read.flatMap((file) => file.uses));
    expect(problems).to.deep.equal([]);
    expect(pins.map((pin) => pin.repo)).to.include('actions/checkout');
  });
});
