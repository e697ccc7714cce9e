// How the pod check reports: one line per step on stderr, and the failure that ends the run.

/** A check that did not pass: reported by its message alone, without a stack. */
export class CheckFailed extends Error {}

export function log(message: string): void {
  console.error(`pod-check: ${message}`);
}

export function fail(message: string): never {
  throw new CheckFailed(message);
}
