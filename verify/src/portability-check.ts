// `make portability-check` (with shellcheck, in verify/checks/portability-check.sh): the scripts
// and make recipes users run hold no bash 4+ feature, no GNU-only option, no command macOS lacks
// and no GNU Make feature newer than 3.81. The rules are in portability/rules.ts.
//   node src/portability-check.ts                  scan the repository, exit 1 on any finding
//   node src/portability-check.ts --shell-scripts  print "<shell> <path>" of every shell script
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXCLUDED, repoFiles } from './portability/files.ts';
import { scan } from './portability/scan.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const files = repoFiles(root);

if (process.argv[2] === '--shell-scripts') {
  for (const file of files) if (file.shell) console.log(`${file.shell} ${file.path}`);
  process.exit(0);
} else if (process.argv[2] !== undefined) {
  console.error('usage: portability-check.ts [--shell-scripts]');
  process.exit(2);
}

let problems = 0;
for (const file of files) {
  for (const finding of scan(readFileSync(join(root, file.path), 'utf8'), file.kind)) {
    problems++;
    console.error(`${file.path}:${finding.line}: ${finding.rule}: ${finding.message}`);
    console.error(`    ${finding.text}`);
  }
}
const count = (kind: string) => files.filter((file) => file.kind === kind).length;
const read = `${count('shell')} shell scripts, ${count('make')} make files, ${count('awk')} awk programs`;
if (problems > 0) {
  console.error(`portability-check: ${problems} problem(s) in ${read}`);
  process.exit(1);
}
console.log(`portability-check: no bash 4+, GNU-only or post-3.81 make construct in ${read}`);
console.log(
  `portability-check: not read: ${Object.entries(EXCLUDED)
    .map(([p, why]) => `${p} (${why})`)
    .join(', ')}`,
);
