// The action pins of `make workflows-check` (verify/checks/workflows-check.sh runs actionlint
// first): every `uses:` of the workflows and local actions is pinned by commit SHA with its
// release in a comment, one SHA per action everywhere (rules in action-pins.ts). Prints the pins,
// or each problem and exits 1.
//   node src/workflows/action-pins-check.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPins, pinLines, usesOf } from './action-pins.ts';
import { localActionFiles, workflowFiles } from './files.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const workflows = workflowFiles(root);
if (workflows.length === 0) {
  console.error('workflows-check: no workflow in .github/workflows');
  process.exit(1);
}
const files = [...workflows, ...localActionFiles(root)];

const read = files.map((file) => usesOf(file, readFileSync(join(root, file), 'utf8')));
const { problems, pins } = checkPins(read.flatMap((file) => file.uses));
problems.unshift(...read.flatMap((file) => file.errors));
if (problems.length > 0) {
  for (const problem of problems) console.error(`workflows-check: FAIL: ${problem}`);
  console.error(`workflows-check: ${problems.length} action pin problem(s)`);
  process.exit(1);
}
console.log('workflows-check: action pins (one SHA per action, everywhere):');
for (const line of pinLines(pins)) console.log(line);
