// shellcheck on a script the check holds as text (user data, the boot script it writes).
import { spawnSync } from 'node:child_process';
import { expect } from './report.ts';

/** Expects shellcheck (bash) to pass on script, and with nonEmpty, the script to hold text. */
export function expectShellcheckClean(name: string, script: string, nonEmpty = false): void {
  const sc = spawnSync('shellcheck', ['-s', 'bash', '-'], { input: script, encoding: 'utf8' });
  expect(sc.status === 0 && (!nonEmpty || script.length > 0), `shellcheck: ${name}`);
  if (sc.status !== 0) console.error(sc.stdout);
}
