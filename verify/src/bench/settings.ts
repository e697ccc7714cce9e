// What a bench run measures and against which limits: the CLI flag, the BENCH_* variables, the
// targets of make bench and the regression limit of make bench-check.
export const CHECK = process.argv.includes('--check');
const seconds = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
export const DURATION = seconds('BENCH_DURATION', CHECK ? 3 : 8);
export const STATUS_ROUNDS = seconds('BENCH_ROUNDS', CHECK ? 5 : 3);
export const CONNECTIONS = seconds('BENCH_CONNECTIONS', 32);
export const SEED_USERS = seconds('BENCH_SEED_USERS', 1000);
export const LARGE_TABLE_USERS = seconds('BENCH_LARGE_USERS', 100_000);
export const CONCURRENT_LISTINGS = 8;
/** Full listings one at a time in each URL mode: the first right after the service started. */
export const LISTING_ROUNDS = 3;
export const CHECK_MIN_RATIO = 0.7;
export const TARGETS = {
  statusRatio: 0.85,
  halfRateP99Ms: 10,
  uploadRssDeltaMiB: 60,
  listingRssRiseMiB: 64,
  /** The chart's memory limit. */
  concurrentListingsPeakMiB: 512,
  presignedCpuUsPerUser: 30,
  publicCpuUsPerUser: 10,
};

export const round1 = (n: number) => Math.round(n * 10) / 10;
export const round2 = (n: number) => Math.round(n * 100) / 100;
export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const at = (i: number) => sorted[i] ?? Number.NaN;
  return sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
};
export const log = (message: string) => {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
};
