// The scanner of `make portability-check` (verify/src/portability): every rule flags its sample
// of the forbidden form and passes its portable alternatives, comments, heredocs and reasoned
// allowances are not findings, and the repository itself has none.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { classify, repoFiles } from '../../src/portability/files.ts';
import { FILE_RULES, LINE_RULES, type Dialect } from '../../src/portability/rules.ts';
import { scan, type FileKind } from '../../src/portability/scan.ts';
import { REPO_ROOT } from '../../../service/test/support/versions.ts';

const KIND_OF: Record<Dialect, FileKind> = {
  shell: 'shell',
  make: 'make',
  awk: 'awk',
};
const rulesOf = (text: string, kind: FileKind) => scan(text, kind).map((finding) => finding.rule);

describe('portability scanner', () => {
  for (const rule of LINE_RULES) {
    describe(rule.id, () => {
      it('has samples of the forbidden form and of the portable one', () => {
        expect(rule.bad, 'bad samples').to.not.be.empty;
        expect(rule.good, 'good samples').to.not.be.empty;
      });
      for (const line of rule.bad) {
        it(`flags: ${line}`, () => {
          expect(rulesOf(`${line}\n`, KIND_OF[rule.dialect])).to.include(rule.id);
        });
      }
      for (const line of rule.good) {
        it(`passes: ${line}`, () => {
          expect(rulesOf(`${line}\n`, KIND_OF[rule.dialect])).to.deep.equal([]);
        });
      }
    });
  }

  it('has one id per rule', () => {
    const ids = [...LINE_RULES, ...FILE_RULES].map((rule) => rule.id);
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('reads make recipes as shell, with $$ as $', () => {
    const makefile = 'x:\n\t@owner=$${OWNER,,}; tmp=$$(mktemp -d)\n';
    expect(rulesOf(makefile, 'make')).to.have.members(['case-modification', 'mktemp-template']);
  });

  it('reads make syntax outside recipes only', () => {
    expect(rulesOf('FILES != ls\n', 'make')).to.deep.equal(['make-assignments']);
    expect(rulesOf('x:\n\t@[ "$$a" != b ] || exit 1\n', 'make')).to.deep.equal([]);
  });

  it('reads awk in awk files and in shell lines that run awk', () => {
    expect(rulesOf('{ print gensub(/a/, "b", "g") }\n', 'awk')).to.deep.equal(['gawk-only']);
    expect(rulesOf("awk '{ print strftime() }' f\n", 'shell')).to.deep.equal(['gawk-only']);
    expect(rulesOf('echo strftime\n', 'shell')).to.deep.equal([]);
  });

  describe('empty-array', () => {
    it('flags "${a[@]}" of an array that starts empty', () => {
      const script = 'stale=()\nfor f in "${stale[@]}"; do echo "$f"; done\n';
      expect(scan(script, 'shell')).to.deep.include({
        line: 2,
        rule: 'empty-array',
        message: FILE_RULES[0]?.message ?? '',
        text: 'for f in "${stale[@]}"; do echo "$f"; done',
      });
    });
    it('passes the guarded form and arrays that never start empty', () => {
      const script =
        'stale=()\nfor f in ${stale[@]+"${stale[@]}"}; do :; done\nargs=(a b)\necho "${args[@]}"\n';
      expect(rulesOf(script, 'shell')).to.deep.equal([]);
    });
    it('reads make recipes too', () => {
      const makefile = 'x:\n\t@stale=(); for f in "$${stale[@]}"; do :; done\n';
      expect(rulesOf(makefile, 'make')).to.deep.equal(['empty-array']);
    });
  });

  describe('make-shellflags', () => {
    it('flags .SHELLFLAGS without the GNU Make 3.81 fallback', () => {
      expect(rulesOf('SHELL := bash\n.SHELLFLAGS := -euo pipefail -c\n', 'make')).to.deep.equal([
        'make-shellflags',
      ]);
    });
    it('passes it with the fallback', () => {
      const makefile =
        'SHELL := bash\n.SHELLFLAGS := -euo pipefail -c\nifeq ($(MAKE_VERSION),3.81)\nSHELL := bash -euo pipefail\nendif\n';
      expect(rulesOf(makefile, 'make')).to.deep.equal([]);
    });
  });

  it('does not read comments or heredoc bodies', () => {
    const script = [
      '# declare -A is bash 4',
      'echo ok # sed -i is GNU',
      "cat <<'EOF'",
      'declare -A not=(code)',
      'EOF',
      'cat <<-END',
      '\tmapfile -t x',
      '\tEND',
      'declare -A after_heredoc',
    ].join('\n');
    expect(scan(script, 'shell').map((f) => [f.line, f.rule])).to.deep.equal([[9, 'assoc-array']]);
  });

  it('honours an allowance with a reason, on the line or the line above', () => {
    const same = 'sha256sum f # portability: allow sha-sum the fallback of shasum below\n';
    const above = '# portability: allow sha-sum sha256sum is tried first\nsha256sum f\n';
    expect(rulesOf(same, 'shell')).to.deep.equal([]);
    expect(rulesOf(above, 'shell')).to.deep.equal([]);
  });

  it('refuses an allowance without a reason, and one for another rule', () => {
    expect(rulesOf('sha256sum f # portability: allow sha-sum\n', 'shell')).to.deep.equal([
      'allow-reason',
    ]);
    expect(
      rulesOf('sha256sum f # portability: allow tac not this one at all\n', 'shell'),
    ).to.deep.equal(['sha-sum']);
  });

  it('classifies files by name and shebang', () => {
    expect(classify('scripts/x.sh', 'echo\n')).to.deep.equal({
      path: 'scripts/x.sh',
      kind: 'shell',
      shell: 'bash',
    });
    expect(classify('scripts/p.sh', '#!/bin/sh\n')).to.deep.include({
      shell: 'sh',
    });
    expect(classify('tool', '#!/usr/bin/env bash\n')).to.deep.include({
      kind: 'shell',
      shell: 'bash',
    });
    expect(classify('mk/kube.mk', '')).to.deep.equal({
      path: 'mk/kube.mk',
      kind: 'make',
    });
    expect(classify('.ci/run', '#!/usr/bin/env bash\n')).to.equal(undefined);
    expect(classify('notes', 'plain text\n')).to.equal(undefined);
  });

  describe('the repository', () => {
    const root = fileURLToPath(REPO_ROOT);
    const files = repoFiles(root);

    it('reads the scripts and recipes users run', () => {
      const paths = files.map((file) => file.path);
      expect(paths).to.include.members([
        'Makefile',
        'mk/kube.mk',
        'scripts/install-tools.sh',
        'deploy/kind/emulator-link.sh',
        'verify/checks/workflows-check.sh',
        'scripts/make-help.awk',
      ]);
      expect(paths).to.not.include('.ci/run');
    });

    it('has no finding', () => {
      const findings = files.flatMap((file) =>
        scan(readFileSync(join(root, file.path), 'utf8'), file.kind).map(
          (finding) => `${file.path}:${finding.line}: ${finding.rule}: ${finding.text}`,
        ),
      );
      expect(findings).to.deep.equal([]);
    });
  });
});
