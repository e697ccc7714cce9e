// The assertions of make browser-check: one line per assertion (ok / FAIL), counted for the
// summary. must() is an assertion the next steps depend on: the run stops after its FAIL line.

/** Thrown by must(): its FAIL line is already printed. */
export class Stopped extends Error {}

export class Checks {
  passed = 0;
  failed = 0;
  readonly #print: (line: string) => void;

  constructor(print: (line: string) => void = console.log) {
    this.#print = print;
  }

  check(ok: boolean, what: string, detail?: string): boolean {
    if (ok) this.passed++;
    else this.failed++;
    this.#print(`${ok ? 'ok' : 'FAIL'} ${what}${!ok && detail ? ` (${detail})` : ''}`);
    return ok;
  }

  must(ok: boolean, what: string, detail?: string): asserts ok {
    if (!this.check(ok, what, detail)) throw new Stopped(what);
  }

  summary(): string {
    return `browser-check: ${this.passed} passed, ${this.failed} failed`;
  }
}
