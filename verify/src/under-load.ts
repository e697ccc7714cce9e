// Runs a command (a rolling restart, say) while a light, steady load runs against the API, and
// fails when any request of that load was lost: a connection error, a timeout or a 5xx.
//
//   node src/under-load.ts [--rate N] [--after S] -- COMMAND...
//
// BASE_URL names the API (default http://localhost:8080). The load is GET /status and
// GET /users?limit=1 in turn (the second reads DynamoDB and presigns S3 URLs), at --rate
// requests per second (default 20) over keep-alive connections, as a browser or an SDK client
// sends them: a server that closes a connection a request is already on loses that request. The
// load starts 2 s before the command and goes on --after seconds (default 5) after it ended.
import { spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import { call, type Call } from './lib/http.ts';

const { values, positionals } = parseArgs({
  options: {
    rate: { type: 'string', default: '20' },
    after: { type: 'string', default: '5' },
  },
  allowPositionals: true,
});
const rate = Number(values.rate);
const afterMs = Number(values.after) * 1000;
if (!(rate > 0 && rate <= 200)) throw new Error('--rate must be between 1 and 200');
if (positionals.length === 0)
  throw new Error('usage: under-load.ts [--rate N] [--after S] -- COMMAND...');
const base = process.env.BASE_URL ?? 'http://localhost:8080';
const paths = ['/status', '/users?limit=1'] as const;
/** Bound on the whole run: the command gets this long. */
const COMMAND_TIMEOUT_MS = 10 * 60_000;

const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const calls: Promise<Call>[] = [];
let stopped = false;
const load = (async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set once the command exits, while this loop awaits
  for (let i = 0; !stopped; i++) {
    const path = paths[i % 2 === 0 ? 0 : 1];
    calls.push(
      call(base, {
        op: path,
        id: `under-load-${i}`,
        path,
        agent,
        timeoutMs: 10_000,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000 / rate));
  }
})();

await new Promise((resolve) => setTimeout(resolve, 2000));
const [command, ...args] = positionals as [string, ...string[]];
console.log(
  `under-load: ${rate} req/s on ${base} (${paths.join(', ')}) while: ${positionals.join(' ')}`,
);
const started = performance.now();
const exitCode = await new Promise<number>((resolve) => {
  const child = spawn(command, args, { stdio: 'inherit' });
  const timer = setTimeout(() => child.kill('SIGTERM'), COMMAND_TIMEOUT_MS);
  child.on('error', (error) => {
    console.error(`under-load: ${command}: ${error.message}`);
    resolve(127);
  });
  child.on('exit', (code, signal) => {
    clearTimeout(timer);
    resolve(code ?? (signal ? 128 : 1));
  });
});
const commandSeconds = (performance.now() - started) / 1000;
await new Promise((resolve) => setTimeout(resolve, afterMs));
stopped = true;
await load;
const results = await Promise.all(calls);
agent.destroy();

const lost = results.filter(
  (r) => r.clientError !== undefined || r.status === 0 || r.status >= 500,
);
const byStatus = new Map<string, number>();
for (const r of results) {
  const key = r.clientError ?? String(r.status);
  byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
}
const slowest = Math.max(...results.map((r) => r.ms));
console.log(
  `under-load: the command took ${commandSeconds.toFixed(1)} s and exited ${exitCode}; ` +
    `${results.length} requests: ${[...byStatus].map(([k, n]) => `${n} × ${k}`).join(', ')}; slowest ${slowest.toFixed(0)} ms`,
);
for (const r of lost.slice(0, 10)) {
  console.log(`  lost: ${r.op} ${r.id}: ${r.clientError ?? r.status} after ${r.ms.toFixed(0)} ms`);
}
const failures = (exitCode === 0 ? 0 : 1) + (lost.length > 0 ? 1 : 0);
console.log(
  `under-load: ${failures === 0 ? 'PASS' : 'FAIL'} (command exit ${exitCode}, ${lost.length} requests lost)`,
);
process.exit(failures === 0 ? 0 : 1);
