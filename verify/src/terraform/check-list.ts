// The checks of the created resources print one line each and collect what failed.

/** Records one check. */
export type Check = (ok: boolean, message: string) => void;

/** A Check that prints "  ok    <message>" or "  FAIL  <message>" and keeps the failed ones. */
export function checkList(): { check: Check; failures: string[] } {
  const failures: string[] = [];
  const check: Check = (ok, message) => {
    console.log(`${ok ? '  ok    ' : '  FAIL  '}${message}`);
    if (!ok) failures.push(message);
  };
  return { check, failures };
}
