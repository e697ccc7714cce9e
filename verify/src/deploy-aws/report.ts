// How make deploy-aws-check reports: one line per step on stderr with the time since the start,
// one ok/FAIL line per expectation on stdout, and the failure that ends the run.

/** A check that did not pass: reported by its message alone, without a stack. */
export class CheckFailed extends Error {}

export function log(message: string): void {
  console.error(`deploy-aws-check: ${message}`);
}

export function fail(message: string): never {
  throw new CheckFailed(message);
}

const startedAt = performance.now();
export const elapsed = () => `${Math.round((performance.now() - startedAt) / 1000)}s`;

export function step(message: string): void {
  log(`--- ${message} (+${elapsed()})`);
}

let failures = 0;
/** One expectation: printed ok or FAIL; the run goes on, and fails at the end if any failed. */
export function expect(ok: boolean, what: string): void {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'}  ${what}`);
  if (!ok) failures += 1;
}
export const failedExpectations = () => failures;

export const tail = (text: string, lines: number) =>
  text.trimEnd().split('\n').slice(-lines).join('\n');
