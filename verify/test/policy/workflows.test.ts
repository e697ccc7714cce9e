// The GitHub workflows (.github/workflows) run the same make targets as a developer and
// .ci/run, so those targets must exist; and they spell no version of their own: every version they
// use is read from versions.env at run time. verify/checks/workflows-check.sh adds actionlint and the
// action SHA pins.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parse } from 'yaml';
import { REPO_ROOT, pinnedVersions } from '../../../service/test/support/versions.ts';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  if?: string;
  permissions?: Record<string, string>;
  'timeout-minutes'?: number;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group?: string; 'cancel-in-progress'?: unknown };
  jobs: Record<string, Job>;
}
interface CompositeAction {
  runs: { using: string; steps?: Step[] };
}

const ROOT_DIR = fileURLToPath(REPO_ROOT);
const read = (path: string) => readFileSync(new URL(path, REPO_ROOT), 'utf8');
const load = (path: string): unknown => parse(read(path));

const workflowPaths = listFiles('.github/workflows/', /\.ya?ml$/);
const actionPaths = readdirSafe('.github/actions/')
  .map((name) => `.github/actions/${name}/action.yml`)
  .filter((path) => existsSync(new URL(path, REPO_ROOT)));
const workflows = new Map(workflowPaths.map((path) => [path, load(path) as Workflow]));
const actions = new Map(actionPaths.map((path) => [path, load(path) as CompositeAction]));

// Every step of every workflow job and local composite action, with where it is.
const steps: { where: string; job?: Job; step: Step }[] = [
  ...[...workflows].flatMap(([path, workflow]) =>
    Object.entries(workflow.jobs).flatMap(([name, job]) =>
      (job.steps ?? []).map((step, i) => ({ where: `${path} ${name}[${i}]`, job, step })),
    ),
  ),
  ...[...actions].flatMap(([path, action]) =>
    (action.runs.steps ?? []).map((step, i) => ({ where: `${path} [${i}]`, step })),
  ),
];
const scripts = steps.filter(({ step }) => typeof step.run === 'string');

/** A repository script in a run text: scripts/... or verify/checks/..., optionally ./-prefixed. */
const REPOSITORY_SCRIPT = /(?:^|[\s;&|(])(?:\.\/)?((?:scripts|verify\/checks)\/[\w./-]+\.sh)/gm;

describe('GitHub workflows', () => {
  it('ci.yml and release.yml exist and are parsed', () => {
    expect(workflowPaths).to.include.members([
      '.github/workflows/ci.yml',
      '.github/workflows/release.yml',
    ]);
    expect(scripts.length).to.be.greaterThan(10);
  });

  describe('make targets', () => {
    const targets = makeTargets();
    // A step's own make calls, and those of the repository scripts it runs (a journey script
    // calls the same targets as a user).
    const calls = scripts.flatMap(({ where, step }) => [
      ...makeCalls(step.run!).map((target) => ({ where, target })),
      ...scriptsRun(step.run!).flatMap((path) =>
        makeCalls(withoutComments(read(path))).map((target) => ({
          where: `${where} via ${path}`,
          target,
        })),
      ),
    ]);

    it('the make database is read', () => {
      expect(targets).to.include.members(['help', 'test', 'lint', 'up', 'print-image']);
    });

    it('every make target a workflow or local action runs exists', () => {
      expect(calls.length).to.be.greaterThan(5);
      const missing = calls.filter(({ target }) => !targets.has(target));
      expect(missing, 'make targets called but not defined (Makefile, mk/*.mk)').to.deep.equal([]);
    });

    it('ci.yml runs the targets the issue names', () => {
      const ci = new Set(
        calls
          .filter(({ where }) => where.startsWith('.github/workflows/ci.yml'))
          .map((c) => c.target),
      );
      for (const target of [
        'lint',
        'typecheck',
        'test',
        'tf-check',
        'chart-check',
        'up',
        'kind-up',
        'deploy-kind',
      ]) {
        expect(ci.has(target), `ci.yml runs make ${target}`).to.be.true;
      }
    });

    it('every repository script a workflow runs exists and is executable', () => {
      const used = scripts.flatMap(({ where, step }) =>
        [...step.run!.matchAll(REPOSITORY_SCRIPT)].map((m) => ({
          where,
          path: m[1]!,
        })),
      );
      expect(used.length).to.be.greaterThan(0);
      for (const { where, path } of used) {
        const url = new URL(path, REPO_ROOT);
        expect(existsSync(url), `${path} (${where})`).to.be.true;
        expect(statSync(url).mode & 0o111, `${path} is executable`).to.not.equal(0);
      }
    });
  });

  describe('versions come from versions.env', () => {
    const pins = pinnedVersions();

    it('every steps.pins.outputs.NAME names a pin of versions.env', () => {
      const refs = [...workflowPaths, ...actionPaths].flatMap((path) =>
        [...read(path).matchAll(/steps\.pins\.outputs\.([A-Za-z0-9_]+)/g)].map((m) => ({
          path,
          name: m[1]!,
        })),
      );
      expect(refs.length).to.be.greaterThan(0);
      for (const { path, name } of refs) {
        expect(pins, `${name} in ${path}`).to.have.property(name);
      }
    });

    it('every job that reads steps.pins has a pins step that reads versions.env', () => {
      for (const [path, workflow] of workflows) {
        for (const [name, job] of Object.entries(workflow.jobs)) {
          if (!JSON.stringify(job).includes('steps.pins.outputs.')) continue;
          const pinsStep = (job.steps ?? []).find((step) => step.id === 'pins');
          expect(pinsStep?.run, `${path} ${name}: step id pins`).to.be.a('string');
          expect(pinsStep!.run).to.include('versions.env').and.to.include('$GITHUB_OUTPUT');
        }
      }
    });

    it('version inputs of actions are read from versions.env', () => {
      // Input -> the pin it must read.
      const expected: Record<string, string> = {
        'actions/setup-node node-version': 'NODE_VERSION',
        'actions/setup-go go-version': 'GO_VERSION',
        'hashicorp/setup-terraform terraform_version': 'TERRAFORM_VERSION',
        'azure/setup-helm version': 'HELM_VERSION',
        'helm/kind-action version': 'KIND_VERSION',
        'helm/kind-action node_image': 'KIND_NODE_IMAGE',
        'terraform-linters/setup-tflint tflint_version': 'TFLINT_VERSION',
      };
      const allowed: Record<string, string> = {};
      let checked = 0;
      for (const { where, step } of steps) {
        if (!step.uses || !step.with) continue;
        const action = step.uses.split('@')[0]!;
        for (const [input, value] of Object.entries(step.with)) {
          const key = `${action} ${input}`;
          if (!/version|node_image/i.test(input) && !(key in expected)) continue;
          checked++;
          if (allowed[key] !== undefined) {
            expect(value, `${where} ${key}`).to.equal(allowed[key]);
          } else if (expected[key]) {
            expect(value, `${where} ${key}`).to.equal(
              `\${{ steps.pins.outputs.${expected[key]} }}`,
            );
          } else {
            expect(String(value), `${where} ${key}`).to.match(
              /^\$\{\{ steps\.pins\.outputs\.\w+ \}\}$/,
            );
          }
        }
      }
      expect(checked).to.be.greaterThan(0);
    });

    it('no workflow value spells a version number (comments aside)', () => {
      for (const [path, document] of [...workflows, ...actions]) {
        for (const { at, value } of strings(document)) {
          expect(value, `${path} ${at}`).to.not.match(/\bv?\d+\.\d+\.\d+\b|\bv\d+\.\d+\b/);
        }
      }
    });

    it('the pinned images appear only with their pinned tag or digest', () => {
      const images = Object.entries(pins).filter(([name]) => name.endsWith('_IMAGE'));
      for (const path of [...workflowPaths, ...actionPaths]) {
        const text = read(path);
        for (const [name, value] of images) {
          const repository = value.replace(/[:@].*$/, '');
          for (const m of text.matchAll(
            new RegExp(`(?<![\\w./-])${escape(repository)}[:@][\\w.:@-]+`, 'g'),
          )) {
            expect(m[0], `${name} in ${path}`).to.equal(value);
          }
        }
      }
    });
  });

  describe('hardening', () => {
    it('permissions are empty by default and granted per job; every job has a timeout', () => {
      for (const [path, workflow] of workflows) {
        expect(workflow.permissions, `${path} top-level permissions`).to.deep.equal({});
        for (const [name, job] of Object.entries(workflow.jobs)) {
          expect(job.permissions, `${path} ${name} permissions`).to.be.an('object');
          expect(job['timeout-minutes'], `${path} ${name} timeout-minutes`).to.be.a('number');
        }
      }
    });

    it('packages: write only where something is pushed, security-events: write only for SARIF', () => {
      for (const [path, workflow] of workflows) {
        for (const [name, job] of Object.entries(workflow.jobs)) {
          const pushes = (job.steps ?? []).some(
            (step) =>
              (step.uses?.startsWith('docker/build-push-action@') && step.with?.push === true) ||
              /\bhelm push\b/.test(step.run ?? ''),
          );
          const sarif = (job.steps ?? []).some((step) =>
            step.uses?.startsWith('github/codeql-action/upload-sarif@'),
          );
          const perms = job.permissions ?? {};
          expect(
            perms.packages === 'write',
            `${path} ${name}: packages write iff it pushes`,
          ).to.equal(pushes);
          expect(
            perms['security-events'] === 'write',
            `${path} ${name}: security-events write iff it uploads SARIF`,
          ).to.equal(sarif);
          expect(perms, `${path} ${name}`).to.not.have.property('id-token');
          expect(perms.contents ?? 'none', `${path} ${name} contents`).to.be.oneOf([
            'read',
            'none',
          ]);
        }
      }
    });

    it('ci.yml never pushes from a pull request; release.yml runs on v* tags only', () => {
      const ci = workflows.get('.github/workflows/ci.yml')!;
      expect(Object.keys(ci.on).sort()).to.deep.equal(['pull_request', 'push']);
      for (const [name, job] of Object.entries(ci.jobs)) {
        const pushes = (job.steps ?? []).some((step) => step.with?.push === true);
        if (pushes) {
          expect(job.if, `ci.yml ${name} if`).to.include("github.event_name == 'push'");
          expect(job.if).to.include("github.ref == 'refs/heads/main'");
        }
      }
      const release = workflows.get('.github/workflows/release.yml')!;
      expect(release.on).to.deep.equal({ push: { tags: ['v*'] } });
    });

    it('superseded CI runs are cancelled; releases are never cancelled', () => {
      const ci = workflows.get('.github/workflows/ci.yml')!;
      expect(ci.concurrency?.group).to.be.a('string');
      expect(ci.concurrency?.['cancel-in-progress']).to.equal(true);
      const release = workflows.get('.github/workflows/release.yml')!;
      expect(release.concurrency?.['cancel-in-progress']).to.equal(false);
    });

    it('checkout never leaves the token in .git/config', () => {
      for (const { where, step } of steps) {
        if (!step.uses?.startsWith('actions/checkout@')) continue;
        expect(step.with?.['persist-credentials'], where).to.equal(false);
      }
    });
  });
});

// The targets of the make database (`make -pq`), as make itself reads Makefile and mk/*.mk.
function makeTargets(): Set<string> {
  const result = spawnSync('make', ['-pq', '--no-print-directory', 'help'], {
    cwd: ROOT_DIR,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  const targets = new Set<string>();
  let notATarget = false;
  for (const line of result.stdout.split('\n')) {
    const match = /^([A-Za-z0-9][\w.-]*):(?![=:])/.exec(line);
    if (match?.[1] && !notATarget) targets.add(match[1]);
    notATarget = line === '# Not a target:';
  }
  return targets;
}

// The targets of each `make ...` command in a shell script: words that are neither options nor
// VAR=value assignments, up to the end of the command.
function withoutComments(shell: string): string {
  return shell.replace(/(^|\s)#.*$/gm, '$1');
}

/** The repository scripts (scripts/... or verify/checks/...) a step's run text starts. */
function scriptsRun(script: string): string[] {
  return [...script.matchAll(REPOSITORY_SCRIPT)].map((m) => m[1]!);
}

function makeCalls(script: string): string[] {
  const targets: string[] = [];
  const joined = script.replace(/\\\n/g, ' ');
  for (const m of joined.matchAll(/(?:^|[\s;&|(`])make((?:[ \t]+[^\s;&|)`#<>]+)*)/gm)) {
    const words = (m[1] ?? '').trim().split(/\s+/).filter(Boolean);
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!.replace(/^["']|["']$/g, '');
      if (['-C', '-f', '-j', '-l', '-o', '-W', '-I'].includes(word)) i++;
      else if (!/^[-$]/.test(word) && !word.includes('=')) targets.push(word);
    }
  }
  return targets;
}

// Every string value of a parsed YAML document (keys and comments excluded), with its path.
function strings(node: unknown, at = ''): { at: string; value: string }[] {
  if (typeof node === 'string') return [{ at, value: node }];
  if (Array.isArray(node)) return node.flatMap((item, i) => strings(item, `${at}[${i}]`));
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([key, value]) => strings(value, `${at}.${key}`));
  }
  return [];
}

function listFiles(dir: string, pattern: RegExp): string[] {
  return readdirSafe(dir)
    .filter((name) => pattern.test(name))
    .map((name) => `${dir}${name}`);
}

function readdirSafe(dir: string): string[] {
  const url = new URL(dir, REPO_ROOT);
  return existsSync(url) ? readdirSync(url).sort() : [];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
