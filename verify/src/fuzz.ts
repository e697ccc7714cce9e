// make fuzz: schemathesis (pinned, PyPI) against /openapi.json of the service built from
// service/dist, moto on loopback. Every check schemathesis has; at least 1,000 requests across
// every documented operation. Fails on any check failure, and when too few requests were made.
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { stop } from './lib/proc.ts';
import {
  API_KEY,
  REPORTS,
  provision,
  startEmulator,
  startService,
  stopEmulator,
} from './lib/stack.ts';

const MAX_EXAMPLES = Number(process.env.FUZZ_MAX_EXAMPLES ?? 300);
const SEED = process.env.FUZZ_SEED ?? '20260601';
const MIN_REQUESTS = 1000;
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_S ?? 600) * 1000;

const bin = process.env.SCHEMATHESIS_BIN;
if (!bin)
  throw new Error(
    'SCHEMATHESIS_BIN must name the venv bin folder of schemathesis (make does this)',
  );

const emulator = await startEmulator(join(REPORTS, 'fuzz-moto.log'));
const resources = await provision(emulator.endpoint);
const service = await startService({
  emulator,
  resources,
  logFile: join(REPORTS, 'fuzz-service.log'),
});
const reportDir = join(REPORTS, 'fuzz');
rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });
// schemathesis's own console output is long (and its closing rule looks like a pytest summary,
// which CI log readers take for a test run of its own): it goes to a file, and this script prints
// its summary section, or all of it when schemathesis fails.
const consoleLog = join(reportDir, 'schemathesis.log');

const args = [
  'run',
  `${service.url}/openapi.json`,
  '--checks',
  'all',
  // The issue's bar is zero 5xx and zero responses outside the documented schema; every other
  // check runs too. positive_data_acceptance ("a schema-valid request must not be rejected")
  // cannot hold for rules JSON Schema cannot state: an opaque cursor must be one the API issued,
  // and an avatar must start with PNG/JPEG/GIF/WebP magic bytes. Both are rejected with the
  // documented 400/415 JSON errors, which the other checks verify.
  '--exclude-checks',
  'positive_data_acceptance',
  '--max-examples',
  String(MAX_EXAMPLES),
  '--continue-on-failure',
  '--seed',
  SEED,
  '--workers',
  '2',
  '--request-timeout',
  '15',
  '-H',
  `API-Key: ${API_KEY}`,
  '--report',
  'junit,har',
  '--report-dir',
  reportDir,
];
console.log(`fuzz: st ${args.join(' ').replace(API_KEY, '***')}`);
const started = performance.now();
const consoleFd = openSync(consoleLog, 'w');
const st = spawn(join(bin, 'st'), args, {
  stdio: ['ignore', consoleFd, consoleFd],
  env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false', NO_COLOR: '1' },
});
const limit = setTimeout(() => st.kill('SIGTERM'), TIME_LIMIT_MS);
const code = await new Promise<number>((resolve) =>
  st.once('exit', (c) => {
    resolve(c ?? 1);
  }),
);
clearTimeout(limit);
closeSync(consoleFd);
printSchemathesisConsole(readFileSync(consoleLog, 'utf8'), code === 0);
const seconds = Math.round((performance.now() - started) / 1000);

// Count what was really sent, from the HAR file: requests per operation and server errors.
const harName = existsSync(reportDir)
  ? readdirSync(reportDir).find((name) => name.startsWith('har'))
  : undefined;
const harFile = harName ? join(reportDir, harName) : undefined;
let requests = 0;
const perOperation: Record<string, number> = {};
const serverErrors: string[] = [];
if (harFile) {
  const har = JSON.parse(readFileSync(harFile, 'utf8')) as {
    log: { entries: { request: { method: string; url: string }; response: { status: number } }[] };
  };
  const spec = (await (await fetch(`${service.url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const templates = Object.entries(spec.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({
      key: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      re: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    })),
  );
  for (const t of templates) perOperation[t.key] = 0;
  for (const entry of har.log.entries) {
    requests++;
    const path = new URL(entry.request.url).pathname;
    const t = templates.find((x) => x.method === entry.request.method && x.re.test(path));
    const key = t?.key ?? '(wrong-method probes, expected 405)';
    perOperation[key] = (perOperation[key] ?? 0) + 1;
    if (entry.response.status >= 500)
      serverErrors.push(`${entry.request.method} ${entry.request.url} -> ${entry.response.status}`);
  }
}
await stop(service.process);
await stopEmulator(emulator);

// schemathesis leaves out the operation that serves the schema it loaded (and validated) itself.
const SCHEMA_OPERATION = 'GET /openapi.json';
if (perOperation[SCHEMA_OPERATION] === 0) perOperation[SCHEMA_OPERATION] = 1;
const untested = Object.entries(perOperation)
  .filter(([key, n]) => n === 0 && !key.startsWith('('))
  .map(([key]) => key);
const summary = {
  date: new Date().toISOString(),
  seconds,
  schemathesisExit: code,
  requests,
  perOperation,
  untested,
  serverErrors: serverErrors.length,
  serverErrorSamples: serverErrors.slice(0, 20),
};
writeFileSync(join(REPORTS, 'fuzz-latest.json'), JSON.stringify(summary, null, 2));
console.log(
  `\nfuzz: ${requests} requests in ${seconds} s; per operation: ${JSON.stringify(perOperation)}`,
);
console.log(
  `fuzz: 5xx responses: ${serverErrors.length}${serverErrors.length ? ` (e.g. ${serverErrors.slice(0, 3).join('; ')})` : ''}`,
);
const checks = [
  { name: `at least ${MIN_REQUESTS} requests`, pass: requests >= MIN_REQUESTS, measured: requests },
  {
    name: 'every operation exercised',
    pass: untested.length === 0,
    measured: untested.length ? `untested: ${untested.join(', ')}` : 'all',
  },
  { name: 'zero 5xx responses', pass: serverErrors.length === 0, measured: serverErrors.length },
  { name: 'schemathesis checks (all) pass', pass: code === 0, measured: `exit ${code}` },
];
for (const c of checks) console.log(`${c.pass ? 'PASS' : 'FAIL'} ${c.name}: ${c.measured}`);
console.log(
  `fuzz: reports in reports/fuzz/ (schemathesis.log, JUnit, HAR) and reports/fuzz-latest.json`,
);
process.exitCode = checks.every((c) => c.pass) ? 0 : 1;

/** The SUMMARY section of schemathesis's console (everything on failure), without rule lines. */
function printSchemathesisConsole(text: string, passed: boolean): void {
  const lines = text.split('\n');
  const summary = lines.findIndex((line) => /^=+ SUMMARY =+$/.test(line));
  const shown = passed && summary >= 0 ? lines.slice(summary + 1) : lines;
  console.log(`fuzz: schemathesis ${passed ? 'summary' : 'output'} (full console: ${consoleLog}):`);
  for (const line of shown) if (!/^={3,}/.test(line)) console.log(`  ${line}`);
}
