// What make chaos prints: timestamped progress lines, and one verdict per scenario (PASS/FAIL with
// its figures and notes) that is also kept for reports/chaos-latest.json.

/** A measured figure: printed as it is, objects and arrays as JSON. */
export type Figure = string | number | boolean | null | undefined | object;

export interface Result {
  scenario: string;
  pass: boolean;
  figures: Record<string, Figure>;
}

export interface Report {
  readonly results: readonly Result[];
  /** Seconds since the report was created. */
  elapsedS: () => number;
  /** A progress line, stamped with the seconds since the start. */
  log: (message: string) => void;
  /** A scenario's PASS/FAIL line, its figures and notes. */
  verdict: (
    scenario: string,
    pass: boolean,
    figures: Record<string, Figure>,
    notes?: string[],
  ) => void;
}

export const r0 = (n: number) => Math.round(n);

export function createReport(print: (line: string) => void = console.log): Report {
  const t0 = performance.now();
  const results: Result[] = [];
  const elapsedS = () => (performance.now() - t0) / 1000;
  return {
    results,
    elapsedS,
    log: (message) => {
      print(`[chaos ${elapsedS().toFixed(1).padStart(6)}s] ${message}`);
    },
    verdict: (scenario, pass, figures, notes = []) => {
      results.push({ scenario, pass, figures });
      print(`\n${pass ? 'PASS' : 'FAIL'} ${scenario}`);
      for (const [key, value] of Object.entries(figures))
        print(
          `       ${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`,
        );
      for (const note of notes) print(`       ! ${note}`);
      print('');
    },
  };
}
