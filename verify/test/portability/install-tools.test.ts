// The tool policy of scripts/install-tools.sh, run on a copy of the script with an empty cache and
// stand-in tools on PATH (nothing is built, nothing is downloaded): a PATH tool that prints the
// pinned version is linked as ./bin/NAME; another version is named on one line and not used.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  mkdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { REPO_ROOT, pin } from '../../../service/test/support/versions.ts';

const repo = fileURLToPath(REPO_ROOT);
// The commands the script runs; PATH holds only these and the stand-ins, so no Go is found.
const COMMANDS = ['bash', 'basename', 'chmod', 'cp', 'cut', 'dirname', 'head', 'ln', 'mkdir', 'mv'];
COMMANDS.push('readlink', 'rm', 'sed', 'sha256sum', 'shasum', 'tr', 'wc');
const findCommand = (name: string) =>
  ['/usr/local/bin', '/usr/bin', '/bin'].map((dir) => join(dir, name)).find((p) => existsSync(p));

describe('scripts/install-tools.sh', () => {
  let root: string;
  let fakeBin: string;
  let systemBin: string;

  /** A stand-in NAME on PATH that prints OUTPUT for any arguments. */
  const fakeTool = (name: string, output: string) => {
    const path = join(fakeBin, name);
    writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' '${output}'\n`);
    chmodSync(path, 0o755);
    return path;
  };
  const run = (...args: string[]) =>
    spawnSync(join(root, 'scripts/install-tools.sh'), args, {
      encoding: 'utf8',
      env: { PATH: `${fakeBin}:${systemBin}`, SRE_KIT_CACHE: join(root, 'cache') },
    });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sre-kit-install-tools-'));
    fakeBin = join(root, 'fake-bin');
    mkdirSync(join(root, 'scripts'), { recursive: true });
    mkdirSync(fakeBin);
    systemBin = join(root, 'system-bin');
    mkdirSync(systemBin);
    for (const name of COMMANDS) {
      const found = findCommand(name);
      if (found) symlinkSync(found, join(systemBin, name));
    }
    for (const file of ['scripts/install-tools.sh', 'scripts/cache-dir.sh', 'versions.env']) {
      copyFileSync(join(repo, file), join(root, file));
    }
    chmodSync(join(root, 'scripts/install-tools.sh'), 0o755);
    chmodSync(join(root, 'scripts/cache-dir.sh'), 0o755);
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('links a PATH tool that prints the pinned version', () => {
    const kind = fakeTool('kind', `kind ${pin('KIND_VERSION')} go1.26.8 darwin/arm64`);
    const helm = fakeTool('helm', `${pin('HELM_VERSION')}+g3d8990f`);
    const tflint = fakeTool('tflint', `TFLint version ${pin('TFLINT_VERSION').replace(/^v/, '')}`);
    const result = run('kind', 'helm', 'tflint');
    expect(result.status, result.stderr).to.equal(0);
    expect(readlinkSync(join(root, 'bin/kind'))).to.equal(kind);
    expect(readlinkSync(join(root, 'bin/helm'))).to.equal(helm);
    expect(readlinkSync(join(root, 'bin/tflint'))).to.equal(tflint);
  });

  it('says so and does not use a PATH tool of another version', () => {
    fakeTool('kind', 'kind v0.29.0 go1.24.2 darwin/arm64');
    const result = run('--installed', 'kind');
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(
      /kind on PATH .* says 'kind v0\.29\.0 .*', not v\d+\.\d+\.\d+ \(versions\.env\)/,
    );
  });

  it('takes a version only as a whole word', () => {
    fakeTool('kind', `kind ${pin('KIND_VERSION')}1 go1.26.8`);
    expect(run('--installed', 'kind').status).to.equal(1);
  });

  it('without Go, fails with a clear line, and --path still names ./bin/NAME', () => {
    const result = run('--path', 'kind');
    expect(result.status).to.equal(0);
    expect(result.stdout.trim()).to.equal(join(root, 'bin/kind'));
    expect(result.stderr).to.include(`Go is needed to build kind ${pin('KIND_VERSION')}`);
  });

  it('rejects an unknown tool', () => {
    const result = run('no-such-tool');
    expect(result.status).to.equal(2);
    expect(result.stderr).to.include("unknown tool 'no-such-tool'");
  });
});
