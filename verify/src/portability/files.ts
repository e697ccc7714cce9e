// The files `make portability-check` reads: every tracked shell script (by extension or shebang),
// the Makefile and mk/*.mk, and awk programs. Left out, each for its reason:
//   .ci/run                 the CI of this repository, on Linux only (bash 4 and GNU tools allowed)
//   *.tftpl                 Terraform templates of cloud-init scripts, run on the EC2 host (Linux)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileKind } from './scan.ts';

export interface RepoFile {
  path: string;
  kind: FileKind;
  /** For shell files: the shell shellcheck checks them as (a `#!/bin/sh` script stays POSIX sh). */
  shell?: 'bash' | 'sh';
}

export const EXCLUDED: Readonly<Record<string, string>> = {
  '.ci/run': 'the CI of this repository, Linux only',
};

function shebangShell(text: string): 'bash' | 'sh' | undefined {
  const first = text.split('\n', 1)[0] ?? '';
  const match = /^#!\s*(?:\/usr\/bin\/env\s+)?\S*?\b(bash|sh)\b/.exec(first);
  return match?.[1] === 'bash' ? 'bash' : match?.[1] === 'sh' ? 'sh' : undefined;
}

export function classify(path: string, text: string): RepoFile | undefined {
  if (path in EXCLUDED || path.endsWith('.tftpl')) return undefined;
  if (path === 'Makefile' || path.endsWith('.mk')) return { path, kind: 'make' };
  if (path.endsWith('.awk')) return { path, kind: 'awk' };
  const shell = shebangShell(text) ?? (path.endsWith('.sh') ? 'bash' : undefined);
  return shell ? { path, kind: 'shell', shell } : undefined;
}

/** The tracked files of the repository at root that the check reads, sorted by path. */
export function repoFiles(root: string): RepoFile[] {
  const listed = execFileSync('git', ['-C', root, 'ls-files', '-z'], {
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  const files: RepoFile[] = [];
  for (const path of listed) {
    // Only candidates are read: no binary or data file is opened.
    const candidate =
      path === 'Makefile' ||
      /\.(?:sh|mk|awk|bash)$/.test(path) ||
      !/\.[A-Za-z0-9]+$/.test(path.split('/').pop() ?? '');
    if (!candidate) continue;
    let text: string;
    try {
      text = readFileSync(join(root, path), 'utf8');
    } catch {
      continue; // deleted in the work tree
    }
    const file = classify(path, text);
    if (file) files.push(file);
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
