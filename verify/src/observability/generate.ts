// make obs-rules: writes the SLO rules and their promtool tests from observability/slos.yaml,
// then the Helm chart's copies of every rule file and dashboard (chart-copies.ts).
// make obs-check runs it with --check: it fails when a committed file differs from what it
// generates (someone edited a generated file or a copy, or slos.yaml without regenerating).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { stringify } from 'yaml';
import { chartCopies, orphanCopies } from './chart-copies.ts';
import { EVALUATION_MINUTES, ruleGroups, testGroups } from './rules.ts';
import { loadSlos, OBSERVABILITY, ROOT } from './slos.ts';

const RULES = join(OBSERVABILITY, 'prometheus/rules');
const TESTS = join(OBSERVABILITY, 'prometheus/tests');

const header = (what: string) =>
  `# ${what}\n# Generated from observability/slos.yaml by verify/src/observability/rules.ts: edit those\n` +
  '# and run `make obs-rules`; `make obs-check` fails while this file differs from what they give.\n';

const yaml = (value: unknown) => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });

export function generatedFiles(): Map<string, string> {
  const slos = loadSlos();
  const files = new Map([
    [
      join(RULES, 'slo-rules.yaml'),
      header(
        'The API objectives: error ratios over every alert window, the budget left, and the\n' +
          '# multi-window, multi-burn-rate alerts, one group per objective.',
      ) + yaml({ groups: ruleGroups(slos) }),
    ],
    [
      join(TESTS, 'slo-alerts.test.yaml'),
      header('promtool test rules: each burn-rate alert fires on synthetic traffic, then clears.') +
        yaml({
          rule_files: ['../rules/slo-rules.yaml'],
          evaluation_interval: `${EVALUATION_MINUTES}m`,
          tests: testGroups(slos),
        }),
    ],
  ]);
  const copies = chartCopies(slos.job, (path) => files.get(path) ?? readFileSync(path, 'utf8'));
  return new Map([...files, ...copies]);
}

function main(): void {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  const files = generatedFiles();
  for (const [path, text] of files) {
    const name = relative(ROOT, path);
    if (check) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(name);
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote ${name}`);
    }
  }
  for (const path of orphanCopies(files)) {
    const name = relative(ROOT, path);
    if (check) stale.push(`${name} (no original)`);
    else {
      rmSync(path);
      console.log(`removed ${name}`);
    }
  }
  if (stale.length > 0) {
    console.error(
      `obs-rules: ${stale.join(', ')} differ from what observability/ generates; run \`make obs-rules\``,
    );
    process.exit(1);
  }
  if (check)
    console.log(
      "obs-rules: the generated rules and tests match observability/slos.yaml, the chart's copies their originals",
    );
}

if (import.meta.main) main();
